// `npm run bench`: chainlab measured against the reference node and the machine, in one run.
// BENCH_SMOKE=1 runs every measurement at tiny sizes in seconds (the test suite does, to prove it
// still runs); BENCH_OUT=dir writes the results elsewhere than bench/; BENCH_ONLY=name,… runs only
// the sections whose names start with one of those (e.g. BENCH_ONLY=gossip,catching), for working on one.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { catchUpCosts } from './catch-up.ts';
import { buildChain, loadProofs } from './chain-fixture.ts';
import { convergenceTimes } from './convergence.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { chainlabHashRate, opensslHashRate, referenceHashRate } from './hash-rate.ts';
import { load } from './http-load.ts';
import { miningTimes } from './mining-time.ts';
import { OUT_DIR } from './paths.ts';
import { post, residentBytes, serveChain, startChainlab, startReference, type NodeProcess } from './processes.ts';
import { publish, row, type Row } from './report.ts';
import { median, percentile } from './stats.ts';
import type { Block } from '../src/chain/block.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const SIZES = SMOKE
  ? {
      rateSeconds: 0.5,
      blocks: { 4: 3, 5: 1, 6: 0 },
      loadSeconds: 1,
      chainLengths: [1, 10, 50],
      busySeconds: 1,
      gossipBlocks: 3,
      catchUp: 50,
      behind: [0, 1, 49],
      catchUpRuns: 1,
    }
  : {
      rateSeconds: 3,
      blocks: { 4: 50, 5: 20, 6: 8 },
      loadSeconds: 5,
      chainLengths: [1, 1000, 10000],
      busySeconds: 5,
      gossipBlocks: 30,
      catchUp: 10000,
      behind: [0, 1, 100, 1000, 9999],
      catchUpRuns: 3,
    };
const CONNECTIONS = 10;
const CORES = availableParallelism();
const TRANSACTION = JSON.stringify({ sender: 'd4ee26eee15148ee92c6cd394edd974e', recipient: 'someone-other-address', amount: 5 });

async function main(): Promise<void> {
  const proofs = loadProofs();
  const rows: Row[] = [];
  const notes: string[] = [];
  const only = process.env.BENCH_ONLY?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const step = async (name: string, measure: () => Promise<Row[]>) => {
    if (only !== undefined && !only.some((prefix) => name.startsWith(prefix))) return;
    console.log(`… ${name}`);
    rows.push(...(await measure()));
  };
  await step('hash rate', hashRates);
  await step('time to mine a block', blockTimes);
  await step('HTTP throughput', () => throughput(proofs));
  await step('responsiveness while mining', responsiveness);
  await step('gossip', gossip);
  await step('catching up', async () => {
    const chain = buildChain(SIZES.catchUp, proofs);
    const whole = await catchUpWhole(chain, notes);
    return [...whole.rows, ...(await catchUpMissing(chain, whole.referenceBytes, notes)), whole.memory];
  });
  publish(rows, OUT_DIR, notes);
}

async function hashRates(): Promise<Row[]> {
  const seconds = SIZES.rateSeconds;
  const openssl = await opensslHashRate(seconds);
  const python = await referenceHashRate(seconds);
  const oneCore = await chainlabHashRate(1, seconds);
  const allCores = await chainlabHashRate(CORES, seconds);
  const section = 'hash rate';
  return [
    row(section, 'openssl sha256, 16 bytes, 1 core', openssl, 'hashes/s'),
    row(section, 'reference valid_proof loop (Python), 1 core', python, 'hashes/s', { anchor: 'openssl, 1 core', value: openssl }),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', { anchor: 'openssl, 1 core', value: openssl, goal: '≥ 0.5×' }),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', { anchor: 'reference, 1 core', value: python }),
    row(section, `chainlab, ${CORES} cores`, allCores, 'hashes/s', { anchor: 'chainlab, 1 core', value: oneCore, goal: `→ ${CORES}×` }),
  ];
}

async function blockTimes(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const difficulty of [4, 5, 6] as const) {
    const blocks = SIZES.blocks[difficulty];
    if (blocks === 0) continue;
    const times = await miningTimes(difficulty, blocks, CORES);
    rows.push(row('time to mine a block', `difficulty ${difficulty}, median of ${blocks}`, times.medianMs, 'ms'));
    rows.push(row('time to mine a block', `difficulty ${difficulty}, p95 of ${blocks}`, times.p95Ms, 'ms'));
  }
  return rows;
}

/** POST /transactions/new and GET /chain at several lengths, chainlab and the reference under the same load. */
async function throughput(proofs: readonly number[]): Promise<Row[]> {
  const rows: Row[] = [];
  const options = { seconds: SIZES.loadSeconds, connections: CONNECTIONS };
  const section = 'HTTP, 10 connections';
  for (const length of SIZES.chainLengths) {
    const chain = buildChain(length, proofs);
    const [ours, theirs] = [await startChainlab(), await startReference()];
    try {
      if (length === 1) {
        const tx = { ...options, method: 'POST' as const, body: TRANSACTION };
        const [a, b] = [await load(`${ours.url}/transactions/new`, tx), await load(`${theirs.url}/transactions/new`, tx)];
        rows.push(...loadRows(section, 'POST /transactions/new', a, b, '≥ 5×'));
        rows.push(...(await durableTransactions(a)));
      }
      await Promise.all([adopt(ours, chain), adopt(theirs, chain)]);
      const [a, b] = [await load(`${ours.url}/chain`, options), await load(`${theirs.url}/chain`, options)];
      rows.push(...loadRows(section, `GET /chain, ${length} blocks`, a, b));
    } finally {
      await Promise.all([ours.stop(), theirs.stop()]);
    }
  }
  return rows;
}

function loadRows(
  section: string,
  what: string,
  ours: Awaited<ReturnType<typeof load>>,
  theirs: Awaited<ReturnType<typeof load>>,
  goal?: string,
): Row[] {
  if (ours.failures + theirs.failures > 0) console.warn(`  ${what}: ${ours.failures} failures (chainlab), ${theirs.failures} (reference)`);
  return [
    row(section, `${what}: chainlab`, ours.requestsPerSecond, 'req/s', { anchor: 'reference', value: theirs.requestsPerSecond, goal }),
    row(section, `${what}: reference`, theirs.requestsPerSecond, 'req/s'),
    row(section, `${what}: chainlab p99`, ours.p99Ms, 'ms', { anchor: 'reference p99', value: theirs.p99Ms }),
    row(section, `${what}: reference p99`, theirs.p99Ms, 'ms'),
  ];
}

/** POST /transactions/new on a node with a DATA_DIR, where each 201 waits for its fdatasync (shared by the requests that came meanwhile). */
async function durableTransactions(inMemory: Awaited<ReturnType<typeof load>>): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'chainlab-bench-'));
  const node = await startChainlab({ DATA_DIR: dir });
  try {
    const result = await load(`${node.url}/transactions/new`, {
      seconds: SIZES.loadSeconds,
      connections: CONNECTIONS,
      method: 'POST',
      body: TRANSACTION,
    });
    if (result.failures > 0) console.warn(`  POST /transactions/new with DATA_DIR: ${result.failures} failures`);
    const section = 'HTTP, 10 connections';
    return [
      row(section, 'POST /transactions/new: chainlab with DATA_DIR', result.requestsPerSecond, 'req/s', {
        anchor: 'chainlab in memory',
        value: inMemory.requestsPerSecond,
      }),
      row(section, 'POST /transactions/new: chainlab with DATA_DIR p99', result.p99Ms, 'ms', {
        anchor: 'chainlab in memory p99',
        value: inMemory.p99Ms,
      }),
    ];
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads `chain` into a node the way the network would: the node resolves against a peer holding it,
 * through a relay that counts what the peer sent, HTTP headers included.
 */
async function adopt(node: NodeProcess, chain: readonly Block[]): Promise<{ ms: number; bytes: number }> {
  if (chain.length <= 1) return { ms: 0, bytes: 0 };
  const peer = await serveChain(chain);
  const relay = await startCountingProxy(peer.address);
  try {
    await post(`${node.url}/nodes/register`, { nodes: [`http://${relay.address}`] });
    const started = performance.now();
    const answer = (await (await fetch(`${node.url}/nodes/resolve`)).json()) as { message: string };
    const ms = performance.now() - started;
    if (answer.message !== 'Our chain was replaced') throw new Error(`${node.name} did not adopt the chain: ${answer.message}`);
    return { ms, bytes: relay.bytesSent };
  } finally {
    await relay.close();
    await peer.close();
  }
}

/** p99 of GET /chain on a node that mines at difficulty 6 the whole time. */
async function responsiveness(): Promise<Row[]> {
  const node = await startChainlab({ DIFFICULTY: '6' });
  let mining = true;
  const miningLoop = (async () => {
    while (mining) await fetch(`${node.url}/mine`).catch(() => undefined);
  })();
  try {
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the first search start
    const result = await load(`${node.url}/chain`, { seconds: SIZES.busySeconds, connections: 1 });
    return [
      row('responsiveness', 'GET /chain p99 while mining at difficulty 6', result.p99Ms, 'ms', {
        anchor: 'goal 50 ms',
        value: 50,
        goal: '< 1×',
      }),
    ];
  } finally {
    mining = false;
    await node.stop();
    await miningLoop;
  }
}

/** Three gossiping nodes: how long a block mined on one takes to be on all three. */
async function gossip(): Promise<Row[]> {
  const blocks = SIZES.gossipBlocks;
  const times = await convergenceTimes(3, blocks);
  const section = 'gossip, 3 nodes';
  const against = { anchor: 'goal 1000 ms', value: 1000, goal: '< 1×' };
  return [
    row(section, `block on all 3 nodes after it was mined, median of ${blocks}`, median(times), 'ms', against),
    row(section, `block on all 3 nodes after it was mined, p95 of ${blocks}`, percentile(times, 0.95), 'ms', against),
    row(section, `block on all 3 nodes after it was mined, max of ${blocks}`, Math.max(...times), 'ms', against),
  ];
}

/** A fresh node adopting a long chain from a peer that only serves /chain: chainlab and the reference, the same chain. */
async function catchUpWhole(chain: readonly Block[], notes: string[]): Promise<{ rows: Row[]; memory: Row; referenceBytes: number }> {
  // No periodic sync: it could fetch the peer's whole chain once more while the resolve is measured.
  const [ours, theirs] = [await startChainlab({ SYNC_INTERVAL_MS: '0' }), await startReference()];
  try {
    const a = await adopt(ours, chain);
    const memory = residentBytes(ours.pid);
    const b = await adopt(theirs, chain);
    notes.push(
      `A fresh node catching up from a peer that only serves /chain, as the reference does, fetches the whole chain: ${b.bytes.toLocaleString('en-US')} bytes for ${chain.length} blocks.`,
    );
    const section = `catching up, ${chain.length} blocks`;
    return {
      rows: [
        row(section, 'chainlab: time to adopt', a.ms, 'ms', { anchor: 'reference', value: b.ms, goal: '< 2 s' }),
        row(section, 'reference: time to adopt', b.ms, 'ms'),
        row(section, 'chainlab: bytes fetched', a.bytes, 'bytes', { anchor: 'reference', value: b.bytes }),
        row(section, 'reference: bytes fetched', b.bytes, 'bytes'),
      ],
      memory: row('memory', `chainlab resident memory holding ${chain.length} blocks`, memory / 1024 / 1024, 'MB', {
        anchor: 'goal 150 MB',
        value: 150,
        goal: '< 1×',
      }),
      referenceBytes: b.bytes,
    };
  } finally {
    await Promise.all([ours.stop(), theirs.stop()]);
  }
}

/** chainlab nodes some blocks behind a chainlab peer: they fetch only what they lack. */
async function catchUpMissing(chain: readonly Block[], referenceBytes: number, notes: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const section = `catching up what is missing, ${chain.length} blocks`;
  for (const { behind, bytes, ms } of await catchUpCosts(chain, SIZES.behind, SIZES.catchUpRuns)) {
    const what = `${behind.toLocaleString('en-US')} ${behind === 1 ? 'block' : 'blocks'} behind`;
    rows.push(row(section, `${what}: bytes sent by the peer`, bytes, 'bytes', { anchor: 'reference, whole chain', value: referenceBytes }));
    if (behind > 0) rows.push(row(section, `${what}: bytes per missing block`, bytes / behind, 'bytes'));
    rows.push(row(section, `${what}: GET /nodes/resolve, median of ${SIZES.catchUpRuns}`, ms, 'ms'));
  }
  notes.push(
    `Behind a chainlab peer, a node asks GET /chain/tip, then GET /chain?from=N for the blocks it lacks: what the peer sends (HTTP headers included, counted by a relay) grows with the blocks missing, not with the ${chain.length}-block chain. ` +
      'GET /nodes/resolve answers with the whole chain, as the reference does: 0 blocks behind is that floor.',
  );
  return rows;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
