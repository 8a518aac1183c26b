import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { guessSuffix, searchProof } from '../../src/chain/proof-of-work.ts';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import { ChainNode, type PoolLimits } from '../../src/node/chain-node.ts';
import { createLogger, silentLogger, type Logger } from '../../src/log/log.ts';
import type { Miner } from '../../src/node/miner.ts';
import type { PeerClient } from '../../src/peers/peer-client.ts';
import { PeerSet } from '../../src/peers/peer-set.ts';
import { Lab } from '../../src/lab/lab.ts';
import type { ChainStore } from '../../src/store/chain-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { closable, type Closable } from './closable.ts';

/** A miner that never mines: enough for an app whose /mine is not called. */
export const idleMiner: Miner = {
  proofOfWork: () => Promise.reject(new Error('idle miner: no mining in this test')),
  close: async () => {},
};

/** A miner that searches on the test's own thread: enough for a few blocks at difficulty 4. */
export const searchingMiner: Miner = {
  proofOfWork: async ({ lastProof, lastHash }, { difficulty, powRule }) =>
    searchProof(lastProof, difficulty, 0, Number.MAX_SAFE_INTEGER, guessSuffix(powRule, lastHash))!,
  close: async () => {},
};

/** The bounds of a test app's node unless a test sets some: the configuration's defaults. */
const TEST_LIMITS: PoolLimits = { maxPending: 100_000, maxPendingBytes: 33_554_432, maxBlockBytes: 8_388_608 };

/** The real app around a node with stand-in parts: no worker threads, no peers reachable. */
export function createTestApp({
  miner = idleMiner,
  log = silentLogger,
  store = new MemoryStore(),
  limits: someLimits,
  lab: withLab = false,
}: { miner?: Miner; log?: Logger; store?: ChainStore; limits?: Partial<PoolLimits>; lab?: boolean } = {}): {
  app: Koa;
  node: ChainNode;
  /** What the app was built from: createRequestListener(deps) gives the server's listener, lane and all. */
  deps: AppDeps;
} {
  const limits = { ...TEST_LIMITS, ...someLimits };
  const unreachable = async () => ({ ok: false, answered: false, reason: 'no peers in this test' }) as const;
  const peerClient: PeerClient = { getChain: unreachable, getTip: unreachable, post: unreachable };
  const peers = new PeerSet({ maxPeers: 64 });
  const node = new ChainNode({
    nodeId: 'test-node',
    rules: { difficulty: 4, powRule: 'notebook', maxBlockBytes: limits.maxBlockBytes },
    limits,
    blockchain: new Blockchain(),
    store,
    miner,
    peers,
    peerClient,
    clock: () => 1_700_000_000.5,
    log,
  });
  const deps: AppDeps = {
    node,
    log,
    maxBodyBytes: 4096,
    maxBlockBytes: limits.maxBlockBytes,
    maxEventClients: 8,
    eventBufferBytes: 262_144,
    peerClient,
    lab: withLab
      ? new Lab({ nodeId: 'test-node', address: () => undefined, peers, client: { ...peerClient, get: unreachable }, log })
      : undefined,
  };
  return { app: createApp(deps), node, deps };
}

/** Serves `app` on a free loopback port until closed (or disposed, with `await using`). */
export async function serve(app: Koa): Promise<Closable & { url: string }> {
  const handle = app.callback();
  return await serveListener((req, res) => void handle(req, res));
}

/** Serves `listener` on a free loopback port until closed (or disposed, with `await using`). */
export async function serveListener(listener: RequestListener): Promise<Closable & { url: string }> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return closable({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}

/** A JSON-lines logger at `level` whose lines land, parsed, in `lines`. */
export function capturingLogger(level: Parameters<typeof createLogger>[0] = 'trace'): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}
