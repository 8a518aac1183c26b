// The bench's HTTP sections: POST /transactions/new against a bare node:http server and the reference, and GET /chain at several lengths.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildChain } from './chain-fixture.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { startBareHttp, startBareKoa } from './bare-servers.ts';
import { load, loadClients, loadWith, type Load, type LoadClient } from './http-load.ts';
import { post, serveChain, startChainlab, startReference, type NodeProcess } from './processes.ts';
import { row, type Row } from './report.ts';
import { median } from './stats.ts';
import { CONNECTIONS, SIZES, SMOKE, TRANSACTION } from './sizes.ts';
import type { Block } from '../src/chain/block.ts';

/** POST /transactions/new against a bare Koa app, a bare node:http server and the reference; GET /chain at several lengths against the reference. */
export async function throughput(proofs: readonly number[], notes: string[]): Promise<Row[]> {
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
 * POST /transactions/new on chainlab, on a bare Koa app (Koa, @koa/router and @koa/bodyparser: the
 * floor Koa itself sets) and a bare node:http server (what Node allows), both of which only parse
 * the body and answer 201, and on the reference, each in its own process and logging as deployed
 * (chainlab and the reference a line per request, to a kept file). Sides take turns, the same
 * client for all of them in each comparison, with wrk and with autocannon.
 */
async function transactionThroughput(notes: string[]): Promise<Row[]> {
  const clients = loadClients();
  if (!clients.includes('wrk')) notes.push('POST /transactions/new was measured with autocannon only: wrk was not found at /usr/bin/wrk.');
  const sides = [await startChainlab(UNCAPPED_POOL), await startBareKoa(), await startBareHttp(), await startReference()];
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
    const [ours, koa, bare, theirs] = runs.get(client)!.map(summarise);
    const what = `POST /transactions/new, ${client}`;
    rows.push(
      row(section, `${what}: chainlab`, ours!.requestsPerSecond, 'req/s', { anchor: 'bare Koa', value: koa!.requestsPerSecond }),
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
      row(section, `${what}: bare Koa`, koa!.requestsPerSecond, 'req/s', { anchor: 'bare node:http', value: bare!.requestsPerSecond }),
      row(section, `${what}: bare node:http`, bare!.requestsPerSecond, 'req/s'),
      row(section, `${what}: reference`, theirs!.requestsPerSecond, 'req/s'),
      row(section, `${what}: chainlab p99`, ours!.p99Ms, 'ms', { anchor: 'bare node:http p99', value: bare!.p99Ms }),
      row(section, `${what}: bare Koa p99`, koa!.p99Ms, 'ms'),
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
export async function adopt(node: NodeProcess, chain: readonly Block[]): Promise<{ ms: number; bytes: number }> {
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
