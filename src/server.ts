import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { hostname, networkInterfaces } from 'node:os';
import { Blockchain } from './chain/blockchain.ts';
import type { ChainRules } from './chain/rules.ts';
import type { Config } from './config.ts';
import type { ChainStore } from './store/chain-store.ts';
import { FileStore } from './store/file-store.ts';
import { MemoryStore } from './store/memory-store.ts';
import { createRequestListener } from './http/app.ts';
import { ChainNode } from './node/chain-node.ts';
import { startGossip } from './peers/gossip.ts';
import type { Logger } from './log/log.ts';
import { exposedCollector, MemoryRelease } from './node/memory-release.ts';
import { createMiner } from './node/miner.ts';
import { subscribe } from './node/node-events.ts';
import { createPeerClient, type PeerClient } from './peers/peer-client.ts';
import { startPeerDiscovery } from './peers/peer-discovery.ts';
import { PeerSet } from './peers/peer-set.ts';
import { Lab, RESET_QUIET_MS, type MiningModeView } from './lab/lab.ts';
import { generatedMinerAddress } from './node/miner-key.ts';

export interface RunningNode {
  node: ChainNode;
  server: Server;
  /** `http://127.0.0.1:PORT`, handy when PORT was 0. */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds a node from its configuration and serves it over HTTP. Its state comes from `store`, by
 * default the one DATA_DIR names (or memory only, without it).
 */
export async function startNode(config: Config, log: Logger, store?: ChainStore): Promise<RunningNode> {
  store ??= config.dataDir === undefined ? new MemoryStore() : await FileStore.open(config.dataDir, log);
  const blockchain = await loadBlockchain(store, log);
  const miner = createMiner(config.miningThreads);
  const peers = new PeerSet({ maxPeers: config.maxPeers });
  // The advertised address may depend on the port listened on (PORT=0): the app and the lab read it once known.
  const advertised: { address?: string } = {};
  const peerOptions = { timeoutMs: config.peerTimeoutMs, maxResponseBytes: config.maxPeerResponseBytes };
  // The node's own requests say which node sends them, and cross the lab's faults (LAB=on). Lab
  // messages and the explorer's look at the network go as a client's, across every fault.
  const rawClient = createPeerClient(peerOptions);
  // `node`, declared below, is only called on once the node serves.
  const handlers = { reset: async (): Promise<void> => void (await node.reset()) };
  const miningMode = (): MiningModeView => node.mining.view();
  // Quiet past the slowest relay: the node that starts a reset resets once every peer answered (at
  // most PEER_TIMEOUT_MS), and a peer's own relay may take as long again.
  const resetQuietMs = RESET_QUIET_MS + 2 * config.peerTimeoutMs;
  const labDeps = {
    nodeId: config.nodeId,
    address: () => advertised.address,
    peers,
    client: rawClient,
    log,
    handlers,
    miningMode,
    resetQuietMs,
  };
  const lab: Lab | undefined = config.lab ? new Lab(labDeps) : undefined;
  const nodeClient = createPeerClient({ ...peerOptions, nodeId: config.nodeId });
  const peerClient: PeerClient = lab?.decorate(nodeClient, peerOptions) ?? nodeClient;
  const rules: ChainRules = { difficulty: config.difficulty, powRule: config.powRule, maxBlockBytes: config.maxBlockBytes };
  // Signed: rewards go to an address, MINER_ADDRESS or a key the node keeps; open: to NODE_ID, as ever.
  const minerAddress = config.txRule === 'signed' ? (config.minerAddress ?? (await generatedMinerAddress(config.dataDir))) : undefined;
  const node = new ChainNode({
    nodeId: config.nodeId,
    txRule: config.txRule,
    minerAddress,
    rules,
    limits: { maxPending: config.maxPending, maxPendingBytes: config.maxPendingBytes, maxBlockBytes: config.maxBlockBytes },
    blockchain,
    store,
    miner,
    peers,
    peerClient,
    lookup: lookupAll,
    clock: () => Date.now() / 1000,
    log,
  });
  await node.tidyPool(); // before any block is mined from the pool the store kept
  node.mining.set(config.mining);
  // What adopting (or restoring) a long chain passed through goes back to the system once the node is quiet.
  const release = new MemoryRelease({ collect: exposedCollector(), log });
  const unsubscribe = subscribe(node.events, { replaced: ({ chain, from }) => release.afterBulk(chain.length - from + 1, chain.length) });
  release.afterBulk(blockchain.length, blockchain.length);
  const role = { gossip: config.gossip, syncIntervalMs: config.gossip ? config.syncIntervalMs : 0, address: () => advertised.address };
  const { maxBodyBytes, maxBlockBytes, maxEventClients, eventBufferBytes } = config;
  const maxSnapshotBytes = config.maxPeerResponseBytes;
  const appDeps = {
    node,
    log,
    maxBodyBytes,
    maxSnapshotBytes,
    maxBlockBytes,
    maxEventClients,
    eventBufferBytes,
    peerClient: rawClient,
    role,
    lab,
  };
  const server = createServer(createRequestListener(appDeps));
  // Bounded connections, and bounded time to send a request: a client cannot hold the node's file
  // descriptors with idle or slowly dripping sockets. /events streams are responses, not requests,
  // so the request timeout does not cut them.
  server.maxConnections = config.maxConnections;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const advertiseAddress = config.advertiseAddress ?? defaultAdvertiseAddress(config.host, port);
  advertised.address = advertiseAddress;
  for (const address of [advertiseAddress, ...selfAddresses(port)]) peers.markSelf(address);
  node.registerPeers(config.peers, 'config');
  const discovery = startPeerDiscovery({ node, names: config.peers, lookup: lookupAll, intervalMs: config.peerDiscoveryMs });
  void discovery.refresh();
  const gossip = config.gossip
    ? startGossip({ node, peerClient, log, advertiseAddress, syncIntervalMs: config.syncIntervalMs, maxBatchBytes: config.maxBlockBytes })
    : undefined;

  return {
    node,
    server,
    url: `http://127.0.0.1:${port}`,
    async close() {
      discovery.stop();
      gossip?.stop();
      unsubscribe();
      release.stop();
      node.close();
      server.close();
      server.closeAllConnections();
      await Promise.all([once(server, 'close'), miner.close(), store.close()]);
    },
  };
}

/** Addresses that mean "every interface": no peer can reach the node by them. */
const ANY_HOST = new Set(['0.0.0.0', '::']);

/**
 * Without ADVERTISE_ADDRESS: the host name (a container's, in Docker, which its network resolves),
 * or the address the node listens on when that is a specific one.
 */
export function defaultAdvertiseAddress(host: string, port: number): string {
  if (ANY_HOST.has(host)) return `${hostname().toLowerCase()}:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function lookupAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map(({ address }) => address);
}

/**
 * The state the store's changes build. When replaying them took more changes than the state needs
 * (transactions since mined, chains since replaced), the store is rewritten with just the state.
 */
async function loadBlockchain(store: ChainStore, log: Logger): Promise<Blockchain> {
  const changes = await store.load();
  const blockchain = Blockchain.replay(changes);
  const snapshot = blockchain.snapshot();
  if (changes.length > snapshot.length) {
    await store.rewrite(snapshot);
    log.info(
      { changes: changes.length, kept: snapshot.length },
      `compacted the store: ${changes.length} changes down to ${snapshot.length}`,
    );
  }
  if (changes.length > 0)
    log.info(
      { length: blockchain.length, pending: blockchain.pending.length },
      `restored ${blockchain.length} blocks and ${blockchain.pending.length} pending transactions`,
    );
  return blockchain;
}

/** The `host:port` names under which this node would reach itself, so it never registers itself. */
function selfAddresses(port: number): string[] {
  // Every address of every interface: a replica finds its own among the addresses of its service.
  const interfaces = Object.values(networkInterfaces()).flatMap((addresses) => addresses ?? []);
  const ips = interfaces.map(({ address, family }) => (family === 'IPv6' ? `[${address}]` : address));
  return ['localhost', '0.0.0.0', hostname().toLowerCase(), ...ips].map((host) => `${host}:${port}`);
}
