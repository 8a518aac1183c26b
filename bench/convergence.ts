import { freePort } from '../e2e/support/ports.ts';
import { followChainLength, type ChainLengths } from './chain-lengths.ts';
import { startChainlab, type NodeProcess } from './processes.ts';

/** A block not everywhere after this long did not travel by announcement or by sync: something is broken. */
const TIMEOUT_MS = 15_000;

/**
 * Starts `count` gossiping nodes on loopback, each given the others in PEERS and left at the
 * default SYNC_INTERVAL_MS, mines `blocks` blocks one after another on each node in turn, and
 * returns for each block the time from the moment its miner held it to the moment the last node
 * did: what announcements (POST /gossip/blocks) take, since they beat the sync by far.
 */
export async function convergenceTimes(count: number, blocks: number): Promise<number[]> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const nodes: NodeProcess[] = [];
  const lengths: ChainLengths[] = [];
  try {
    for (const [i, port] of ports.entries()) {
      const peers = ports.filter((other) => other !== port).map((other) => `127.0.0.1:${other}`);
      nodes.push(await startChainlab({ PORT: String(port), NODE_ID: `bench-gossip-${i + 1}`, PEERS: peers.join(','), LOG_LEVEL: 'warn' }));
    }
    for (const node of nodes) lengths.push(await followChainLength(node.url));
    // One round not measured: connections opened, proof workers started, introductions made.
    for (let i = 0; i < count; i++) await mineEverywhere(nodes, lengths, i);
    const times: number[] = [];
    for (let i = 0; i < blocks; i++) times.push(await mineEverywhere(nodes, lengths, i % count));
    return times;
  } finally {
    for (const watcher of lengths) watcher.close();
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

/** Mines one block on `nodes[miner]` and waits for every node to hold it; returns the spread in ms. */
async function mineEverywhere(nodes: readonly NodeProcess[], lengths: readonly ChainLengths[], miner: number): Promise<number> {
  const target = lengths[miner]!.length + 1;
  // Listening before mining: a peer may hold the block before /mine has answered.
  const reached = Promise.all(lengths.map((watcher) => watcher.reach(target, TIMEOUT_MS)));
  reached.catch(() => undefined); // awaited below, unless /mine fails first
  const response = await fetch(`${nodes[miner]!.url}/mine`);
  if (!response.ok) throw new Error(`GET ${nodes[miner]!.url}/mine: ${response.status} ${await response.text()}`);
  const at = await reached;
  return Math.max(...at) - at[miner]!;
}
