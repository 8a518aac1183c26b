import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { createApp } from '../../src/http/app.ts';
import { ChainNode } from '../../src/node/chain-node.ts';
import { createLogger, silentLogger, type Logger } from '../../src/log/log.ts';
import type { Miner } from '../../src/node/miner.ts';
import type { PeerClient } from '../../src/peers/peer-client.ts';
import { PeerSet } from '../../src/peers/peer-set.ts';
import type { ChainStore } from '../../src/store/chain-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { closable, type Closable } from './closable.ts';

/** A miner that never mines: enough for an app whose /mine is not called. */
export const idleMiner: Miner = {
  proofOfWork: () => Promise.reject(new Error('idle miner: no mining in this test')),
  close: async () => {},
};

/** The real app around a node with stand-in parts: no worker threads, no peers reachable. */
export function createTestApp({
  miner = idleMiner,
  log = silentLogger,
  store = new MemoryStore(),
}: { miner?: Miner; log?: Logger; store?: ChainStore } = {}): { app: Koa; node: ChainNode } {
  const unreachable = async () => ({ ok: false, answered: false, reason: 'no peers in this test' }) as const;
  const peerClient: PeerClient = { getChain: unreachable, getTip: unreachable, post: unreachable };
  const node = new ChainNode({
    nodeId: 'test-node',
    rules: { difficulty: 4, powRule: 'notebook' },
    blockchain: new Blockchain(),
    store,
    miner,
    peers: new PeerSet(),
    peerClient,
    clock: () => 1_700_000_000.5,
    log,
  });
  return { app: createApp({ node, log, maxBodyBytes: 4096, peerClient }), node };
}

/** Serves `app` on a free loopback port until closed (or disposed, with `await using`). */
export async function serve(app: Koa): Promise<Closable & { url: string }> {
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res));
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
