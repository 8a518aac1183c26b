import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { hostname, networkInterfaces } from 'node:os';
import { Blockchain } from '../chain/blockchain.ts';
import type { Config } from '../config.ts';
import type { ChainStore } from '../store/chain-store.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { createApp } from './app.ts';
import { ChainNode } from './chain-node.ts';
import type { Logger } from './log.ts';
import { createMiner } from './miner.ts';
import { createPeerClient } from './peer-client.ts';
import { startPeerDiscovery } from './peer-discovery.ts';
import { PeerSet } from './peer-set.ts';

export interface RunningNode {
  node: ChainNode;
  server: Server;
  /** `http://127.0.0.1:PORT`, handy when PORT was 0. */
  url: string;
  close(): Promise<void>;
}

/** Builds a node from its configuration and serves it over HTTP. */
export async function startNode(config: Config, log: Logger, store: ChainStore = new MemoryStore()): Promise<RunningNode> {
  const miner = createMiner(config.miningThreads);
  const peers = new PeerSet();
  const peerClient = createPeerClient({ timeoutMs: config.peerTimeoutMs });
  const node = new ChainNode({
    nodeId: config.nodeId,
    difficulty: config.difficulty,
    blockchain: await loadBlockchain(store),
    store,
    miner,
    peers,
    peerClient,
    clock: () => Date.now() / 1000,
    log,
  });
  const server = createServer(createApp({ node, log, maxBodyBytes: config.maxBodyBytes, peerClient }).callback());
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  for (const address of selfAddresses(port)) peers.markSelf(address);
  node.registerPeers(config.peers);
  const discovery = startPeerDiscovery({ node, names: config.peers, lookup: lookupAll, intervalMs: config.peerDiscoveryMs });
  void discovery.refresh();

  return {
    node,
    server,
    url: `http://127.0.0.1:${port}`,
    async close() {
      discovery.stop();
      server.close();
      server.closeAllConnections();
      await Promise.all([once(server, 'close'), miner.close(), store.close()]);
    },
  };
}

async function lookupAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map(({ address }) => address);
}

async function loadBlockchain(store: ChainStore): Promise<Blockchain> {
  const state = await store.load();
  if (state !== undefined && state.chain.length > 0) return new Blockchain(state.chain, state.pending);
  const blockchain = new Blockchain();
  await store.record({ type: 'chain', chain: [...blockchain.chain] });
  return blockchain;
}

/** The `host:port` names under which this node would reach itself, so it never registers itself. */
function selfAddresses(port: number): string[] {
  // Every address of every interface: a replica finds its own among the addresses of its service.
  const interfaces = Object.values(networkInterfaces()).flatMap((addresses) => addresses ?? []);
  const ips = interfaces.map(({ address, family }) => (family === 'IPv6' ? `[${address}]` : address));
  return ['localhost', '0.0.0.0', hostname().toLowerCase(), ...ips].map((host) => `${host}:${port}`);
}
