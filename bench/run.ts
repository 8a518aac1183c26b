// `npm run bench`: chainlab measured against the reference node and the machine, in one run.
// BENCH_SMOKE=1 runs every measurement at tiny sizes in seconds (the test suite does, to prove it
// still runs); BENCH_OUT=dir writes the results elsewhere than bench/; BENCH_ONLY=name,… runs only
// the sections whose names start with one of those (e.g. BENCH_ONLY=gossip,catching), for working on one.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptionRace, bareKoaBytes, easyChain, longChainCosts } from './adoption.ts';
import { adoptionRows, longChainRows, memoryRows } from './adoption-rows.ts';
import { catchUpCosts } from './catch-up.ts';
import { buildChain, loadProofs } from './chain-fixture.ts';
import { convergenceTimes } from './convergence.ts';
import { meshSpread, SETTLE_MS, type Spread } from './gossip-mesh.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { chainlabHashRate, cpuHasShaNi, opensslHashRate, referenceHashRate, WITHOUT_SHA_NI } from './hash-rate.ts';
import { startBareHttp } from './bare-http-process.ts';
import { load, loadClients, loadWith, type Load, type LoadClient } from './http-load.ts';
import { miningTimes } from './mining-time.ts';
import { nodeMiningRate } from './node-mining.ts';
import { OUT_DIR } from './paths.ts';
import { post, serveChain, startChainlab, startReference, type NodeProcess } from './processes.ts';
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
      meshNodes: 4,
      meshSettleMs: 500,
      catchUp: 50,
      behind: [0, 1, 49],
      catchUpRuns: 1,
      adoptionRuns: 1,
      longChain: 200,
    }
  : {
      rateSeconds: 3,
      blocks: { 4: 50, 5: 20, 6: 8 },
      loadSeconds: 5,
      chainLengths: [1, 1000, 10000],
      busySeconds: 5,
      gossipBlocks: 30,
      meshNodes: 24,
      meshSettleMs: SETTLE_MS,
      catchUp: 10000,
      behind: [0, 1, 100, 1000, 9999],
      catchUpRuns: 3,
      adoptionRuns: 5,
      longChain: 100_000,
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
  await step('hash rate', () => hashRates(notes));
  await step('time to mine a block', blockTimes);
  await step('HTTP throughput', () => throughput(proofs, notes));
  await step('responsiveness while mining', responsiveness);
  await step('gossip', gossip);
  await step(`gossip, ${SIZES.meshNodes} nodes`, gossipMesh);
  await step('catching up', async () => {
    const chain = buildChain(SIZES.catchUp, proofs);
    const whole = await catchUpWhole(chain, notes);
    const race = await adoptionRace(chain, SIZES.adoptionRuns);
    const koa = await bareKoaBytes();
    const long = longChainRows(SIZES.longChain, await longChainCosts(easyChain(SIZES.longChain)));
    const missing = await catchUpMissing(chain, whole.referenceBytes, notes);
    return [...adoptionRows(chain.length, SIZES.adoptionRuns, race), ...whole.rows, ...long, ...missing, ...memoryRows(chain, race, koa)];
  });
  publish(rows, OUT_DIR, notes);
}

/** A real node mining one block after another through GET /mine. */
const NODE_MINING = SMOKE ? { difficulty: 4, blocks: 2 } : { difficulty: 5, blocks: 40 };

/**
 * Proof search against openssl's SHA-256 of a short message, with SHA-NI (as the machine has it)
 * and without (what JS or wasm can reach), per worker, on every core, and on a real node.
 */
async function hashRates(notes: string[]): Promise<Row[]> {
  const seconds = SIZES.rateSeconds;
  const shaNi = await opensslHashRate(seconds, 'as the machine has it');
  const software = await opensslHashRate(seconds, 'software');
  const python = await referenceHashRate(seconds);
  const one = await chainlabHashRate(1, seconds);
  const all = await chainlabHashRate(CORES, seconds);
  const [oneCore, allCores] = [one.hashesPerSecond, all.hashesPerSecond];
  const node = await nodeMiningRate(NODE_MINING.difficulty, NODE_MINING.blocks);
  const section = 'hash rate';
  const ni = cpuHasShaNi();
  const vsSoftware = (cores: number, goal?: string) => ({ anchor: `openssl software × ${cores}`, value: software * cores, goal });
  const vsShaNi = (cores: number) => ({ anchor: `openssl SHA-NI × ${cores}`, value: shaNi * cores });
  notes.push(
    `Hash rate: openssl speed hashes 16 bytes per call, the faster of \`sha256\` and \`-evp sha256\`, on 1 core, over wall time (-elapsed) as chainlab's rates are, as the machine has it (${ni === undefined ? 'no /proc/cpuinfo' : ni ? 'sha_ni in /proc/cpuinfo' : 'no sha_ni in /proc/cpuinfo'}) and in software (OPENSSL_ia32cap="${WITHOUT_SHA_NI}" masks SHA-NI, which no JS or wasm code can use). ` +
      'A proof-search guess, str(last_proof) + str(proof), is a handful of bytes: both sides hash one padded 64-byte block per guess. ' +
      `chainlab's rate is its proof workers' (src/node/proof-worker.ts) searching from 0 at a difficulty no proof meets; the node's rate is ${NODE_MINING.blocks} blocks at difficulty ${NODE_MINING.difficulty} mined through GET /mine one after another, the sum of proof + 1 (every search starts at 0) over the wall time. CPU time over wall time says how many cores each measurement got: below the core count, something else ran on the machine meanwhile and the rates are low by as much.`,
  );
  return [
    row(section, 'openssl sha256, 16 bytes, SHA-NI as the machine has it, 1 core', shaNi, 'hashes/s'),
    row(section, 'openssl sha256, 16 bytes, software (SHA-NI masked), 1 core', software, 'hashes/s', vsShaNi(1)),
    row(section, 'reference valid_proof loop (Python), 1 core', python, 'hashes/s', vsSoftware(1)),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', vsSoftware(1, '≥ 0.8×')),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', vsShaNi(1)),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', { anchor: 'reference, 1 core', value: python }),
    row(section, `chainlab, ${CORES} cores`, allCores, 'hashes/s', { anchor: 'chainlab, 1 core', value: oneCore, goal: `→ ${CORES}×` }),
    row(section, `chainlab, ${CORES} cores`, allCores, 'hashes/s', vsSoftware(CORES, '≥ 0.8×')),
    row(section, `chainlab, ${CORES} cores`, allCores, 'hashes/s', vsShaNi(CORES)),
    row(section, 'chainlab, 1 core: CPU time over wall time', one.cores, 'cores'),
    row(section, `chainlab, ${CORES} cores: CPU time over wall time`, all.cores, 'cores', { anchor: 'cores', value: CORES }),
    row(
      section,
      `chainlab node, ${NODE_MINING.blocks} blocks at difficulty ${NODE_MINING.difficulty} via GET /mine: Σ(proof + 1) / wall time`,
      node.triesPerSecond,
      'hashes/s',
      vsSoftware(CORES, '≥ 0.8×'),
    ),
    row(section, `chainlab node, ${NODE_MINING.blocks} blocks: proofs tried`, node.tries, 'hashes'),
    row(section, `chainlab node, ${NODE_MINING.blocks} blocks: wall time`, node.seconds * 1000, 'ms'),
    row(section, `chainlab node, ${NODE_MINING.blocks} blocks: CPU time over wall time`, node.cores, 'cores', {
      anchor: 'cores',
      value: CORES,
    }),
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

/** POST /transactions/new against a bare node:http server and the reference; GET /chain at several lengths against the reference. */
async function throughput(proofs: readonly number[], notes: string[]): Promise<Row[]> {
  const rows = await transactionThroughput(notes);
  const options = { seconds: SIZES.loadSeconds, connections: CONNECTIONS };
  const section = 'HTTP, 10 connections';
  for (const length of SIZES.chainLengths) {
    const chain = buildChain(length, proofs);
    const [ours, theirs] = [await startChainlab(), await startReference()];
    try {
      await Promise.all([adopt(ours, chain), adopt(theirs, chain)]);
      const [a, b] = [await load(`${ours.url}/chain`, options), await load(`${theirs.url}/chain`, options)];
      rows.push(...loadRows(section, `GET /chain, ${length} blocks`, a, b));
    } finally {
      await Promise.all([ours.stop(), theirs.stop()]);
    }
  }
  return rows;
}

/** Connections for POST /transactions/new, as the issue measured it (wrk -t1 -c16). */
const TX_CONNECTIONS = 16;
/** Rounds of POST /transactions/new, each measuring every side with every client in turn; the median is reported. */
const TX_ROUNDS = SMOKE ? 1 : 3;
/** Seconds of load each side gets before the first round: its JIT warm, its first allocations made. */
const TX_WARM_SECONDS = SMOKE ? 0 : 1;
/**
 * The pool's bounds, raised to their maximum for the run: at thousands of transactions a second
 * the default MAX_PENDING fills within seconds, and a figure of 429s would measure the refusal.
 */
const UNCAPPED_POOL = { MAX_PENDING: '10000000', MAX_PENDING_BYTES: '1073741824' };

/**
 * POST /transactions/new on chainlab, on a bare node:http server that only parses the body and
 * answers 201 (what Node allows), and on the reference, each in its own process and logging as
 * deployed (chainlab and the reference a line per request, to a kept file). Sides take turns, the
 * same client for all of them in each comparison, with wrk and with autocannon.
 */
async function transactionThroughput(notes: string[]): Promise<Row[]> {
  const clients = loadClients();
  if (!clients.includes('wrk')) notes.push('POST /transactions/new was measured with autocannon only: wrk was not found at /usr/bin/wrk.');
  const sides = [await startChainlab(UNCAPPED_POOL), await startBareHttp(), await startReference()];
  const runs = new Map<LoadClient, Load[][]>(clients.map((client) => [client, sides.map(() => [])]));
  const options = { method: 'POST' as const, body: TRANSACTION, seconds: SIZES.loadSeconds, connections: TX_CONNECTIONS };
  try {
    if (TX_WARM_SECONDS > 0)
      for (const side of sides) await loadWith(clients[0]!, `${side.url}/transactions/new`, { ...options, seconds: TX_WARM_SECONDS });
    for (let round = 0; round < TX_ROUNDS; round++) {
      for (const client of clients) {
        for (const [i, side] of sides.entries())
          runs.get(client)![i]!.push(await loadWith(client, `${side.url}/transactions/new`, options));
      }
    }
  } finally {
    await Promise.all(sides.map((side) => side.stop()));
  }
  const section = `HTTP, ${TX_CONNECTIONS} connections`;
  const rows: Row[] = [];
  for (const client of clients) {
    const [ours, bare, theirs] = runs.get(client)!.map(summarise);
    const what = `POST /transactions/new, ${client}`;
    rows.push(
      row(section, `${what}: chainlab`, ours!.requestsPerSecond, 'req/s', {
        anchor: 'bare node:http',
        value: bare!.requestsPerSecond,
        goal: '≥ 0.5×',
      }),
      row(section, `${what}: chainlab`, ours!.requestsPerSecond, 'req/s', {
        anchor: 'reference',
        value: theirs!.requestsPerSecond,
        goal: '≥ 10×',
      }),
      row(section, `${what}: bare node:http`, bare!.requestsPerSecond, 'req/s'),
      row(section, `${what}: reference`, theirs!.requestsPerSecond, 'req/s'),
      row(section, `${what}: chainlab p99`, ours!.p99Ms, 'ms', { anchor: 'bare node:http p99', value: bare!.p99Ms }),
      row(section, `${what}: reference p99`, theirs!.p99Ms, 'ms'),
    );
    for (const [i, side] of sides.entries()) {
      rows.push(
        row(
          section,
          `${what}: failed answers, ${side.name}`,
          runs.get(client)![i]!.reduce((sum, run) => sum + run.failures, 0),
          'answers',
        ),
      );
    }
  }
  const inMemory = summarise(runs.get(clients[0]!)![0]!);
  rows.push(...(await durableTransactions(clients[0]!, inMemory)));
  notes.push(
    `POST /transactions/new: median of ${TX_ROUNDS} rounds of ${SIZES.loadSeconds} s, ${TX_CONNECTIONS} connections, the sides taking turns; chainlab with MAX_PENDING=${UNCAPPED_POOL.MAX_PENDING} and MAX_PENDING_BYTES=${UNCAPPED_POOL.MAX_PENDING_BYTES}, so that no answer is a refusal. Failed answers are errors, timeouts and answers outside 2xx, over all rounds.`,
  );
  return rows;
}

/** The median of each figure over several runs, and their failures summed. */
function summarise(loads: readonly Load[]): Load {
  return {
    requestsPerSecond: median(loads.map((run) => run.requestsPerSecond)),
    p50Ms: median(loads.map((run) => run.p50Ms)),
    p99Ms: median(loads.map((run) => run.p99Ms)),
    failures: loads.reduce((sum, run) => sum + run.failures, 0),
  };
}

function loadRows(section: string, what: string, ours: Load, theirs: Load, goal?: string): Row[] {
  if (ours.failures + theirs.failures > 0) console.warn(`  ${what}: ${ours.failures} failures (chainlab), ${theirs.failures} (reference)`);
  return [
    row(section, `${what}: chainlab`, ours.requestsPerSecond, 'req/s', { anchor: 'reference', value: theirs.requestsPerSecond, goal }),
    row(section, `${what}: reference`, theirs.requestsPerSecond, 'req/s'),
    row(section, `${what}: chainlab p99`, ours.p99Ms, 'ms', { anchor: 'reference p99', value: theirs.p99Ms }),
    row(section, `${what}: reference p99`, theirs.p99Ms, 'ms'),
  ];
}

/** POST /transactions/new on a node with a DATA_DIR, where each 201 waits for its fdatasync (shared by the requests that came meanwhile). */
async function durableTransactions(client: LoadClient, inMemory: Load): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'chainlab-bench-'));
  const node = await startChainlab({ ...UNCAPPED_POOL, DATA_DIR: dir });
  try {
    const result = await loadWith(client, `${node.url}/transactions/new`, {
      seconds: SIZES.loadSeconds,
      connections: TX_CONNECTIONS,
      method: 'POST',
      body: TRANSACTION,
    });
    const section = `HTTP, ${TX_CONNECTIONS} connections`;
    return [
      row(section, `POST /transactions/new, ${client}: chainlab with DATA_DIR`, result.requestsPerSecond, 'req/s', {
        anchor: 'chainlab in memory',
        value: inMemory.requestsPerSecond,
      }),
      row(section, `POST /transactions/new, ${client}: chainlab with DATA_DIR p99`, result.p99Ms, 'ms', {
        anchor: 'chainlab in memory p99',
        value: inMemory.p99Ms,
      }),
      row(section, `POST /transactions/new, ${client}: failed answers, chainlab with DATA_DIR`, result.failures, 'answers'),
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

/** A full mesh of nodes: what one block and one transaction cost to reach them all, against log2(N) + 1 requests per node. */
async function gossipMesh(): Promise<Row[]> {
  const count = SIZES.meshNodes;
  const { block, transaction } = await meshSpread(count, SIZES.meshSettleMs);
  const section = `gossip, ${count} nodes`;
  const budget = Math.ceil(Math.log2(count) + 1);
  const rows = (what: string, { ms, requests }: Spread) => {
    const total = requests.reduce((a, b) => a + b, 0);
    return [
      row(section, `${what} on all ${count} nodes`, ms, 'ms', { anchor: 'goal 1000 ms', value: 1000, goal: '< 1×' }),
      row(section, `${what}: requests per node, max`, Math.max(...requests), 'requests', {
        anchor: `log2(N) + 1 = ${budget}`,
        value: budget,
        goal: '≤ 1×',
      }),
      row(section, `${what}: requests per node, mean`, total / count, 'requests'),
      row(section, `${what}: requests in all`, total, 'requests'),
    ];
  };
  return [...rows('one block', block), ...rows('one transaction', transaction)];
}

/** A fresh node adopting a long chain from a peer that only serves /chain: chainlab and the reference, the same chain. */
async function catchUpWhole(chain: readonly Block[], notes: string[]): Promise<{ rows: Row[]; referenceBytes: number }> {
  // No periodic sync: it could fetch the peer's whole chain once more while the resolve is measured.
  const [ours, theirs] = [await startChainlab({ SYNC_INTERVAL_MS: '0' }), await startReference()];
  try {
    const a = await adopt(ours, chain);
    const b = await adopt(theirs, chain);
    notes.push(
      `A fresh node catching up from a peer that only serves /chain, as the reference does, fetches the whole chain: ${b.bytes.toLocaleString('en-US')} bytes for ${chain.length} blocks.`,
    );
    const section = `catching up, ${chain.length} blocks`;
    return {
      // The times are adoptionRace's (fresh nodes, alternating, median); this run counts the bytes, through a relay.
      rows: [
        row(section, 'chainlab: bytes fetched', a.bytes, 'bytes', { anchor: 'reference', value: b.bytes }),
        row(section, 'reference: bytes fetched', b.bytes, 'bytes'),
      ],
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
