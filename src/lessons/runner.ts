import { setTimeout as sleep } from 'node:timers/promises';
import type { Verdict } from '../chain/validate.ts';
import type { NodeAnswer } from '../cli/node-client.ts';
import type { Expectation, Lesson, Step } from './format.ts';

/** One JSON request to a node (requestNode in src/cli/node-client.ts: fetch under one AbortSignal.timeout). */
export type Requester = (base: string, method: 'GET' | 'POST', path: string, json?: unknown) => Promise<Verdict<NodeAnswer>>;

export interface RunOptions {
  /** The network's URLs: node N of the lesson is nodes[N - 1]. */
  nodes: string[];
  request: Requester;
  print: (line: string) => void;
  /**
   * How long to wait after the reset before the first step: a node goes quiet towards its peers
   * for a while after a network-wide reset (RESET_QUIET_MS plus twice PEER_TIMEOUT_MS, in server.ts),
   * and a resolve in that time would see no peer.
   */
  settleMs: number;
  /** How long the network gets to come back to genesis, and each expectation to come true (gossip is asynchronous). */
  timeoutMs?: number;
}

const POLL_MS = 100;
const DEFAULT_TIMEOUT_MS = 10_000;

/** What went wrong before any step could run (a node down, the wrong rules, no lab). */
class Unready extends Error {}

type Check = { ok: true; line: string } | { ok: false; line: string };

/**
 * Runs `lesson`: resets the network through node 1, checks every node's rules, then each step,
 * printing its narration and each expectation's result. Answers whether every step and
 * expectation passed; a failed action stops the lesson, since the steps after it assume it.
 */
export async function runLesson(lesson: Lesson, options: RunOptions): Promise<Verdict<{ passed: number }>> {
  const { network } = lesson;
  if (options.nodes.length < network.nodes)
    return { ok: false, reason: `the lesson needs ${network.nodes} nodes; --nodes names ${options.nodes.length}` };
  const nodes = options.nodes.slice(0, network.nodes);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const call = async (n: number, method: 'GET' | 'POST', path: string, json?: unknown) => {
    const answer = await options.request(nodes[n - 1]!, method, path, json);
    if (!answer.ok) throw new Unready(`node ${n} (${nodes[n - 1]}): ${answer.reason}`);
    return answer.value.body as Record<string, unknown>;
  };
  let ids: string[];
  try {
    ids = await checkRules(lesson, nodes.length, call);
    await call(1, 'POST', '/lab/reset').catch((error: unknown) => {
      throw new Unready(`${(error as Error).message} (a lesson needs the lab: LAB=on, as in docker compose up)`);
    });
    const back = await poll(
      timeoutMs,
      async () => lengthsOf(nodes.length, call),
      (lengths) => lengths.every((l) => l === 1),
    );
    if (!back.ok) throw new Unready(`after the reset the lengths are ${back.value.join(', ')}, not all 1, within ${timeoutMs} ms`);
    await sleep(options.settleMs);
  } catch (error) {
    if (error instanceof Unready) return { ok: false, reason: error.message };
    throw error;
  }

  options.print(`# ${lesson.title}\n${lesson.summary.trim()}\n`);
  let passed = 0;
  let failed = 0;
  for (const [i, step] of lesson.steps.entries()) {
    options.print(`${i + 1}. ${step.say.trim()}`);
    try {
      await act(step, ids, call);
    } catch (error) {
      if (!(error instanceof Unready)) throw error;
      options.print(`   ✗ ${step.action} failed: ${error.message}`);
      return { ok: false, reason: `step ${i + 1} (line ${step.line}) failed: ${error.message}` };
    }
    for (const check of await checks(step.expect, nodes.length, call, timeoutMs)) {
      options.print(`   ${check.ok ? '✓' : '✗'} ${check.line}`);
      if (check.ok) passed += 1;
      else failed += 1;
    }
  }
  if (failed > 0) return { ok: false, reason: `${failed} of ${passed + failed} expectations failed` };
  return { ok: true, value: { passed } };
}

type Call = (n: number, method: 'GET' | 'POST', path: string, json?: unknown) => Promise<Record<string, unknown>>;

/** Each node's id (partitions name nodes by id), once its rules are known to be the lesson's. */
async function checkRules(lesson: Lesson, count: number, call: Call): Promise<string[]> {
  const txRule = lesson.network.tx_rule ?? 'open';
  const ids: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    const health = await call(n, 'GET', '/health');
    const mode = (health.mode ?? {}) as { tx_rule?: unknown; pow_rule?: unknown };
    if (mode.tx_rule !== txRule)
      throw new Unready(`node ${n} runs TX_RULE=${String(mode.tx_rule)}; this lesson needs TX_RULE=${txRule} docker compose up`);
    const powRule = lesson.network.pow_rule;
    if (powRule !== undefined && mode.pow_rule !== powRule)
      throw new Unready(`node ${n} runs POW_RULE=${String(mode.pow_rule)}; this lesson needs POW_RULE=${powRule} docker compose up`);
    if (typeof health.node_id !== 'string') throw new Unready(`node ${n} gave no node_id in GET /health`);
    ids.push(health.node_id);
  }
  return ids;
}

async function act(step: Step, ids: string[], call: Call): Promise<void> {
  switch (step.action) {
    case 'mine':
      return void (await call(step.node, 'POST', '/mine'));
    case 'send':
      return void (await call(step.node, 'POST', '/transactions/new', { sender: step.from, recipient: step.to, amount: step.amount }));
    case 'partition':
      return void (await call(1, 'POST', '/lab/partition', { groups: step.groups.map((group) => group.map((n) => ids[n - 1]!)) }));
    case 'heal':
      return void (await call(1, 'POST', '/lab/heal'));
    case 'resolve':
      return void (await call(step.node, 'POST', '/nodes/resolve'));
    case 'wait':
      return void (await sleep(step.ms));
  }
}

async function lengthsOf(count: number, call: Call): Promise<number[]> {
  const lengths: number[] = [];
  for (let n = 1; n <= count; n += 1) lengths.push(Number((await call(n, 'GET', '/chain/tip')).length));
  return lengths;
}

/** Reads until `done` holds or `timeoutMs` passes; answers the last reading either way. */
async function poll<T>(timeoutMs: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<{ ok: boolean; value: T }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return { ok: true, value };
    if (Date.now() >= deadline) return { ok: false, value };
    await sleep(POLL_MS);
  }
}

async function checks(expectation: Expectation | undefined, count: number, call: Call, timeoutMs: number): Promise<Check[]> {
  const results: Check[] = [];
  if (expectation === undefined) return results;
  try {
    const { lengths, pending_contains: wanted } = expectation;
    if (lengths !== undefined) {
      const seen = await poll(
        timeoutMs,
        () => lengthsOf(count, call),
        (now) => now.every((l, i) => l === lengths[i]),
      );
      const line = `lengths ${lengths.join(', ')}`;
      results.push(seen.ok ? { ok: true, line } : { ok: false, line: `${line}: got ${seen.value.join(', ')} after ${timeoutMs} ms` });
    }
    if (wanted !== undefined) {
      const { node, ...fields } = wanted;
      const matches = (tx: Record<string, unknown>) => Object.entries(fields).every(([key, value]) => tx[key] === value);
      const read = async () => ((await call(node, 'GET', '/transactions/pending')).transactions ?? []) as Record<string, unknown>[];
      const seen = await poll(timeoutMs, read, (txs) => Array.isArray(txs) && txs.some(matches));
      const line = `node ${node}'s pending transactions hold ${JSON.stringify(fields)}`;
      results.push(
        seen.ok ? { ok: true, line } : { ok: false, line: `${line}: not within ${timeoutMs} ms (${seen.value.length} pending)` },
      );
    }
  } catch (error) {
    if (!(error instanceof Unready)) throw error;
    results.push({ ok: false, line: `could not check: ${error.message}` });
  }
  return results;
}
