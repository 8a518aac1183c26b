import { freePort } from '../e2e/support/ports.ts';
import { followChainLength, readEvents, type ChainLengths } from './chain-lengths.ts';
import { post, startChainlab, type NodeProcess } from './processes.ts';

/** Routes not counted: the periodic sync's tips, the bench's own probes and event streams, and the block's /mine. */
const UNCOUNTED = new Set(['/chain/tip', '/health', '/metrics', '/events', '/mine']);

/** How long after the news the requests are counted (unless told otherwise): whatever the news set off has ended by then. */
export const SETTLE_MS = 3000;

/** News not everywhere after this long did not travel by gossip or by sync: something is broken. */
const TIMEOUT_MS = 15_000;

/** What one piece of news cost the mesh: how long until every node had it, and the requests each node answered. */
export interface Spread {
  /** From the moment the first node held it (the miner, or the node a client gave it to) to the moment the last one did. */
  ms: number;
  /** Requests each node answered in the `settleMs` after the news, on every route but UNCOUNTED. */
  requests: number[];
}

/**
 * Starts `count` gossiping nodes on loopback in a full mesh (each given all the others in PEERS,
 * as DNS discovery of a scaled service gives), logging as deployed, and waits until every node
 * knows every peer's id. Then mines one block on one node and passes one transaction to one node
 * (POST /transactions/new), and returns for each what it cost (see Spread).
 */
export async function meshSpread(count: number, settleMs = SETTLE_MS): Promise<{ block: Spread; transaction: Spread }> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const nodes: NodeProcess[] = [];
  const watchers: Watcher[] = [];
  try {
    for (const [i, port] of ports.entries()) {
      const peers = ports.filter((other) => other !== port).map((other) => `127.0.0.1:${other}`);
      nodes.push(await startChainlab({ PORT: String(port), NODE_ID: `bench-mesh-${i + 1}`, PEERS: peers.join(',') }));
    }
    await everyPeerIdentified(nodes);
    await idle(nodes, settleMs);
    for (const node of nodes) watchers.push(await watch(node.url));
    const block = await measure(nodes, settleMs, async () => {
      const target = watchers[0]!.lengths.length + 1;
      // Listening before mining: a peer may hold the block before /mine has answered.
      const reached = Promise.all(watchers.map((watcher) => watcher.lengths.reach(target, TIMEOUT_MS)));
      reached.catch(() => undefined); // awaited below, unless /mine fails first
      const response = await fetch(`${nodes[0]!.url}/mine`);
      if (!response.ok) throw new Error(`GET ${nodes[0]!.url}/mine: ${response.status} ${await response.text()}`);
      return spreadMs(await reached);
    });
    const transaction = await measure(nodes, settleMs, async () => {
      const id = `bench-mesh-${Date.now()}`;
      const reached = Promise.all(watchers.map((watcher) => watcher.transaction(id, TIMEOUT_MS)));
      reached.catch(() => undefined);
      await post(`${nodes[0]!.url}/transactions/new`, { sender: 'bench', recipient: 'mesh', amount: 1, id });
      return spreadMs(await reached);
    });
    return { block, transaction };
  } finally {
    for (const watcher of watchers) watcher.close();
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

/** From the first node's arrival to the last's. */
const spreadMs = (at: readonly number[]) => Math.max(...at) - Math.min(...at);

/** Runs `spread`, then counts what each node answered from just before it to `settleMs` after. */
async function measure(nodes: readonly NodeProcess[], settleMs: number, spread: () => Promise<number>): Promise<Spread> {
  const before = await Promise.all(nodes.map((node) => countedRequests(node.url)));
  const ms = await spread();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const after = await Promise.all(nodes.map((node) => countedRequests(node.url)));
  return { ms, requests: after.map((total, i) => total - before[i]!) };
}

/** Requests a node has answered on counted routes, from its `chainlab_http_request_duration_seconds` counts. */
async function countedRequests(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('chainlab_http_request_duration_seconds_count{')) continue;
    const route = /route="([^"]*)"/.exec(line)?.[1];
    if (route !== undefined && !UNCOUNTED.has(route)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Until every node has had an answer, with an id, from each of its peers: then the broadcast tree is sorted by ids everywhere. */
async function everyPeerIdentified(nodes: readonly NodeProcess[]): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (const node of nodes) {
    for (;;) {
      const { nodes: peers } = (await (await fetch(`${node.url}/nodes`)).json()) as { nodes: { node_id: string | null }[] };
      if (peers.length === nodes.length - 1 && peers.every((peer) => peer.node_id !== null)) break;
      if (performance.now() > deadline) throw new Error(`${node.url} did not learn the ids of its ${nodes.length - 1} peers within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Until the nodes answer no counted request for `settleMs`: what starting them set off (introductions, catch-up) is over. */
async function idle(nodes: readonly NodeProcess[], settleMs: number): Promise<void> {
  const deadline = performance.now() + 60_000;
  const counts = () => Promise.all(nodes.map((node) => countedRequests(node.url)));
  for (let before = await counts(); ;) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const after = await counts();
    if (after.every((count, i) => count === before[i])) return;
    if (performance.now() > deadline) throw new Error(`the ${nodes.length} nodes were still busy 60 s after they all knew each other`);
    before = after;
  }
}

/** One node's event stream (GET /events, not counted): its chain length, and the transactions it pooled. */
interface Watcher {
  lengths: ChainLengths;
  /** When the node pooled the transaction with this id. */
  transaction(id: string, timeoutMs: number): Promise<number>;
  close(): void;
}

async function watch(url: string): Promise<Watcher> {
  const lengths = await followChainLength(url);
  const abort = new AbortController();
  const response = await fetch(`${url}/events`, { signal: abort.signal });
  if (!response.ok || response.body === null) throw new Error(`GET ${url}/events: ${response.status}`);
  const pooled = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  readEvents(response.body, (name, data) => {
    if (name !== 'transaction') return;
    const id = (JSON.parse(data) as { transaction?: { id?: unknown } }).transaction?.id;
    if (typeof id !== 'string') return;
    const at = performance.now();
    pooled.set(id, at);
    waiters.get(id)?.(at);
  });
  return {
    lengths,
    transaction(id, timeoutMs) {
      const at = pooled.get(id);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${url} did not pool transaction ${id} within ${timeoutMs} ms`)), timeoutMs);
        waiters.set(id, (when) => {
          clearTimeout(timer);
          resolve(when);
        });
      });
    },
    close() {
      lengths.close();
      abort.abort();
    },
  };
}
