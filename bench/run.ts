// `npm run bench`: chainlab measured against the reference node and the machine, in one run.
// BENCH_SMOKE=1 runs every measurement at tiny sizes in seconds (the test suite does, to prove it
// still runs); BENCH_OUT=dir writes the results elsewhere than bench/.
import { availableParallelism } from 'node:os';
import { buildChain, loadProofs } from './chain-fixture.ts';
import { chainlabHashRate, opensslHashRate, referenceHashRate } from './hash-rate.ts';
import { load } from './http-load.ts';
import { miningTimes } from './mining-time.ts';
import { BENCH_DIR } from './paths.ts';
import { residentBytes, serveChain, startChainlab, startReference, type NodeProcess } from './processes.ts';
import { publish, row, type Row } from './report.ts';
import type { Block } from '../src/chain/block.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const SIZES = SMOKE
  ? { rateSeconds: 0.5, blocks: { 4: 3, 5: 1, 6: 0 }, loadSeconds: 1, chainLengths: [1, 10, 50], catchUp: 50, busySeconds: 1 }
  : { rateSeconds: 3, blocks: { 4: 50, 5: 20, 6: 8 }, loadSeconds: 5, chainLengths: [1, 1000, 10000], catchUp: 10000, busySeconds: 5 };
const CONNECTIONS = 10;
const CORES = availableParallelism();
const TRANSACTION = JSON.stringify({ sender: 'd4ee26eee15148ee92c6cd394edd974e', recipient: 'someone-other-address', amount: 5 });

async function main(): Promise<void> {
  const proofs = loadProofs();
  const rows: Row[] = [];
  const notes: string[] = [];
  const step = async (name: string, measure: () => Promise<Row[]>) => {
    console.log(`… ${name}`);
    rows.push(...(await measure()));
  };
  await step('hash rate', hashRates);
  await step('time to mine a block', blockTimes);
  await step('HTTP throughput', () => throughput(proofs));
  await step('responsiveness while mining', responsiveness);
  await step('catching up', () => catchUp(buildChain(SIZES.catchUp, proofs), notes));
  publish(rows, process.env.BENCH_OUT ?? BENCH_DIR, notes);
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

function loadRows(section: string, what: string, ours: Awaited<ReturnType<typeof load>>, theirs: Awaited<ReturnType<typeof load>>, goal?: string): Row[] {
  if (ours.failures + theirs.failures > 0) console.warn(`  ${what}: ${ours.failures} failures (chainlab), ${theirs.failures} (reference)`);
  return [
    row(section, `${what}: chainlab`, ours.requestsPerSecond, 'req/s', { anchor: 'reference', value: theirs.requestsPerSecond, goal }),
    row(section, `${what}: reference`, theirs.requestsPerSecond, 'req/s'),
    row(section, `${what}: chainlab p99`, ours.p99Ms, 'ms', { anchor: 'reference p99', value: theirs.p99Ms }),
    row(section, `${what}: reference p99`, theirs.p99Ms, 'ms'),
  ];
}

/** Loads `chain` into a node the way the network would: the node resolves against a peer holding it. */
async function adopt(node: NodeProcess, chain: readonly Block[]): Promise<{ ms: number; bytes: number }> {
  if (chain.length <= 1) return { ms: 0, bytes: 0 };
  const peer = await serveChain(chain);
  try {
    await post(`${node.url}/nodes/register`, { nodes: [`http://${peer.address}`] });
    const started = performance.now();
    const answer = (await (await fetch(`${node.url}/nodes/resolve`)).json()) as { message: string };
    const ms = performance.now() - started;
    if (answer.message !== 'Our chain was replaced') throw new Error(`${node.name} did not adopt the chain: ${answer.message}`);
    return { ms, bytes: peer.bytes };
  } finally {
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
    return [row('responsiveness', 'GET /chain p99 while mining at difficulty 6', result.p99Ms, 'ms', { anchor: 'goal 50 ms', value: 50, goal: '< 1×' })];
  } finally {
    mining = false;
    await node.stop();
    await miningLoop;
  }
}

/** A fresh node adopting a long chain from one peer: chainlab and the reference, the same chain. */
async function catchUp(chain: readonly Block[], notes: string[]): Promise<Row[]> {
  const [ours, theirs] = [await startChainlab(), await startReference()];
  try {
    const a = await adopt(ours, chain);
    const memory = residentBytes(ours.pid);
    const b = await adopt(theirs, chain);
    notes.push(`Catching up fetches the peer's whole /chain (${a.bytes.toLocaleString('en-US')} bytes for ${chain.length} blocks), as the reference does.`);
    const section = `catching up, ${chain.length} blocks`;
    return [
      row(section, 'chainlab: time to adopt', a.ms, 'ms', { anchor: 'reference', value: b.ms, goal: '< 2 s' }),
      row(section, 'reference: time to adopt', b.ms, 'ms'),
      row(section, 'bytes fetched (both)', a.bytes, 'bytes'),
      row('memory', `chainlab resident memory holding ${chain.length} blocks`, memory / 1024 / 1024, 'MB', { anchor: 'goal 150 MB', value: 150, goal: '< 1×' }),
    ];
  } finally {
    await Promise.all([ours.stop(), theirs.stop()]);
  }
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
