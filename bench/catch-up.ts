import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '../src/chain/block.ts';
import { storeChain } from './chain-fixture.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { post, startChainlab, type NodeProcess } from './processes.ts';
import { median } from './stats.ts';

export interface CatchUpCost {
  behind: number;
  /** What the peer sent, HTTP headers included (the most of the runs; they differ by a header's digits at most). */
  bytes: number;
  /** GET /nodes/resolve, median of the runs; its answer holds the node's whole chain, as the reference's does. */
  ms: number;
}

/**
 * A chainlab peer holding `chain`, and for each of `behinds` a node that holds all but that many of
 * its blocks and resolves against it through a counting relay. 0 behind gives the floor: a resolve
 * that fetches nothing but still answers with the whole chain. Peer and node start from a DATA_DIR,
 * so the blocks the node has were not fetched, and run with GOSSIP=off, so what the relay counts is
 * the catch-up alone (GET /chain/tip, then GET /chain?from=N). Each case runs `runs` times, each
 * with a new node: a node caught up is no longer behind.
 */
export async function catchUpCosts(chain: readonly Block[], behinds: readonly number[], runs: number): Promise<CatchUpCost[]> {
  const peer = await startFromStore('bench-peer', chain);
  try {
    const costs: CatchUpCost[] = [];
    for (const behind of behinds) {
      const samples: { bytes: number; ms: number }[] = [];
      for (let run = 0; run < runs; run++) samples.push(await catchUpOnce(peer.node, chain, behind));
      costs.push({ behind, bytes: Math.max(...samples.map((sample) => sample.bytes)), ms: median(samples.map((sample) => sample.ms)) });
    }
    return costs;
  } finally {
    await peer.stop();
  }
}

async function catchUpOnce(peer: NodeProcess, chain: readonly Block[], behind: number): Promise<{ bytes: number; ms: number }> {
  const node = await startFromStore('bench-behind', chain.slice(0, chain.length - behind));
  const relay = await startCountingProxy(peer.address);
  try {
    await post(`${node.node.url}/nodes/register`, { nodes: [`http://${relay.address}`] });
    const started = performance.now();
    const answer = (await (await fetch(`${node.node.url}/nodes/resolve`)).json()) as { message: string };
    const ms = performance.now() - started;
    const expected = behind === 0 ? 'Our chain is authoritative' : 'Our chain was replaced';
    if (answer.message !== expected) throw new Error(`the node ${behind} blocks behind answered '${answer.message}', not '${expected}'`);
    return { bytes: relay.bytesSent, ms };
  } finally {
    await relay.close();
    await node.stop();
  }
}

/** A chainlab node started on a DATA_DIR holding `blocks`; stop() also removes the directory. */
async function startFromStore(nodeId: string, blocks: readonly Block[]): Promise<{ node: NodeProcess; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `chainlab-${nodeId}-`));
  try {
    await storeChain(dir, blocks);
    const node = await startChainlab({ NODE_ID: nodeId, DATA_DIR: dir, GOSSIP: 'off', LOG_LEVEL: 'warn' });
    return {
      node,
      async stop() {
        await node.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
