import { setTimeout as sleep } from 'node:timers/promises';
import { nextNonceIn } from '../cli/commands/wallet.ts';
import type { NodeVerdict, RequestOptions } from '../cli/node-client.ts';
import { checkExpectations, NodeFailure, poll, tipsOf, type Call, type Check } from './checks.ts';
import type { Lesson, Step } from './format.ts';
import { Parties, type Network } from './parties.ts';
import { COMPOSE_SETTINGS } from './settings.ts';

/** One JSON request to a node (requestNode in src/cli/node-client.ts: fetch under one AbortSignal.timeout). */
export type Requester = (
  base: string,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
  options?: RequestOptions,
) => Promise<NodeVerdict>;

/** How a line of the run reads: a heading, narration, or an expectation's outcome (command.ts colours them). */
export type Tone = 'heading' | 'say' | 'ok' | 'bad';

export interface RunOptions {
  /** The network's URLs: node N of the lesson is nodes[N - 1]. */
  nodes: string[];
  request: Requester;
  print: (line: string, tone: Tone) => void;
  /** What the run is waiting for, when it waits (a reset settling, an expectation coming true); '' when it no longer waits. */
  progress?: (text: string) => void;
  /** Called before each step (`lesson run --step`: waits for Enter); the step runs when it resolves. */
  beforeStep?: (index: number, step: Step) => Promise<void>;
  /**
   * How long to wait after the reset before the first step: a node goes quiet towards its peers
   * for a while after a network-wide reset (RESET_QUIET_MS plus twice PEER_TIMEOUT_MS, in server.ts),
   * and a resolve in that time would see no peer.
   */
  settleMs: number;
  /** How long the network gets to come back to genesis, and each expectation to come true (gossip is asynchronous). */
  timeoutMs?: number;
}

/** What a run did: each step's checks, how many passed and failed, and why the run failed if it did. */
export interface RunReport {
  passed: number;
  failed: number;
  steps: { step: number; action: Step['action']; line: number; checks: Check[] }[];
  /** Absent when every step ran and every expectation held. */
  failure?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Runs `lesson`: checks every node's rules, resets the network through node 1, then runs each
 * step, printing its narration and each expectation's outcome. A failed action stops the lesson,
 * since the steps after it assume it; a failed expectation does not.
 */
export async function runLesson(lesson: Lesson, options: RunOptions): Promise<RunReport> {
  const { network } = lesson;
  const report: RunReport = { passed: 0, failed: 0, steps: [] };
  const fail = (failure: string): RunReport => ({ ...report, failure });
  if (options.nodes.length < network.nodes) return fail(`the lesson needs ${network.nodes} nodes; --nodes names ${options.nodes.length}`);
  const nodes = options.nodes.slice(0, network.nodes);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const progress = options.progress ?? (() => {});
  const call: Call = async (n, method, path, json, requestOptions) => {
    const answer = await options.request(nodes[n - 1]!, method, path, json, requestOptions);
    if (answer.ok) return answer.value.body as Record<string, unknown>;
    // Only a 4xx with the node's own reason is the node refusing what it was asked.
    const refused = answer.status !== undefined && answer.status >= 400 && answer.status < 500 ? answer.refusal : undefined;
    throw new NodeFailure(`node ${n} (${nodes[n - 1]}): ${answer.reason}`, refused);
  };
  let ready: { ids: string[]; network: Network };
  try {
    ready = await checkRules(lesson, nodes.length, call);
    progress('clearing the lab’s faults and resetting the network to its genesis block…');
    // Node 1 answered /health a moment ago: a failed heal there is, most likely, a node without the lab.
    await call(1, 'POST', '/lab/heal').catch((error: unknown) => {
      throw new NodeFailure(`${(error as Error).message} (a lesson needs the lab: LAB=on, as in docker compose up)`);
    });
    await clearFaults(nodes.length, call, timeoutMs);
    await call(1, 'POST', '/lab/reset');
    const back = await poll(
      timeoutMs,
      async () => tipsOf(nodes.length, call),
      (tips) => tips.every((tip) => tip.length === 1),
    );
    if (!back.ok)
      throw new NodeFailure(
        `after the reset the lengths are ${back.value.map((tip) => tip.length).join(', ')}, not all 1, within ${timeoutMs} ms`,
      );
    progress('waiting for the network to settle after the reset…');
    await sleep(options.settleMs);
  } catch (error) {
    if (error instanceof NodeFailure) return fail(error.message);
    throw error;
  } finally {
    progress('');
  }

  const parties = new Parties(ready.network);
  options.print(`# ${lesson.title}`, 'heading');
  options.print(`${lesson.summary.trim()}\n`, 'say');
  for (const [i, step] of lesson.steps.entries()) {
    options.print(`${i + 1}. ${step.say.trim()}`, 'say');
    await options.beforeStep?.(i, step);
    const checks: Check[] = [];
    report.steps.push({ step: i + 1, action: step.action, line: step.line, checks });
    const outcome = await attempt(() => act(step, ready.ids, call, parties));
    const refused = step.expect?.refused;
    if (refused !== undefined) {
      const line = `${step.action} refused, the node saying “…${refused}…”`;
      checks.push(
        outcome.ok
          ? { ok: false, line: `${line}: it was accepted` }
          : outcome.refusal === undefined
            ? { ok: false, line: `${line}: it was not refused but failed: ${outcome.reason}` }
            : outcome.refusal.toLowerCase().includes(refused.toLowerCase())
              ? { ok: true, line: `${step.action} refused: ${outcome.reason}` }
              : { ok: false, line: `${line}: refused for another reason: ${outcome.reason}` },
      );
    } else if (!outcome.ok) {
      options.print(`   ✗ ${step.action} failed: ${outcome.reason}`, 'bad');
      report.failed += 1;
      return fail(`step ${i + 1} (line ${step.line}): ${step.action} failed: ${outcome.reason}`);
    }
    if (step.expect !== undefined) {
      progress(`step ${i + 1}: checking what it expects (up to ${timeoutMs / 1000} s)…`);
      checks.push(...(await checkExpectations(step.expect, { count: nodes.length, call, parties, timeoutMs })));
      progress('');
    }
    for (const check of checks) {
      options.print(`   ${check.ok ? '✓' : '✗'} ${check.line}`, check.ok ? 'ok' : 'bad');
      if (check.ok) report.passed += 1;
      else report.failed += 1;
    }
  }
  return report.failed > 0 ? fail(`${report.failed} of ${report.passed + report.failed} expectations failed`) : report;
}

/** An action's outcome; `refusal`: the node's own reason, when it refused (a 4xx). */
async function attempt(action: () => Promise<void>): Promise<{ ok: true } | { ok: false; reason: string; refusal?: string }> {
  try {
    await action();
    return { ok: true };
  } catch (error) {
    if (!(error instanceof NodeFailure)) throw error;
    return { ok: false, reason: error.message, ...(error.refusal === undefined ? {} : { refusal: error.refusal }) };
  }
}

/**
 * A reset takes the chains back to genesis, not the lab's faults: a partition, a slow link, a pause
 * or a mining timer left from an earlier experiment would break the lesson's first step. After the
 * heal (sent to node 1, relayed to every node), each node's mining goes back to manual; then each says it is clear.
 */
async function clearFaults(count: number, call: Call, timeoutMs: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) await call(n, 'POST', '/lab/mining', { mode: 'manual' });
  const clear = await poll(
    timeoutMs,
    async () => {
      const left: string[] = [];
      for (let n = 1; n <= count; n += 1) {
        const lab = (await call(n, 'GET', '/lab')) as { groups?: unknown; links?: unknown; paused?: unknown };
        if (lab.groups !== null || !Array.isArray(lab.links) || lab.links.length > 0 || lab.paused !== false) left.push(`node ${n}`);
      }
      return left;
    },
    (left) => left.length === 0,
  );
  if (!clear.ok) throw new NodeFailure(`the lab's faults are still set on ${clear.value.join(', ')} after a heal`);
}

/** Each node's id (partitions name nodes by id) and reward address, once its rules are known to be the lesson's. */
async function checkRules(lesson: Lesson, count: number, call: Call): Promise<{ ids: string[]; network: Network }> {
  const ids: string[] = [];
  const miners: string[] = [];
  const rules: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    const health = await call(n, 'GET', '/health');
    const mode = (health.mode ?? {}) as { tx_rule?: unknown; pow_rule?: unknown; gossip?: unknown; miner_address?: unknown };
    const runs = {
      tx_rule: mode.tx_rule,
      pow_rule: mode.pow_rule,
      gossip: mode.gossip === true ? 'on' : mode.gossip === false ? 'off' : undefined,
    };
    for (const { key, variable } of COMPOSE_SETTINGS) {
      const wanted = lesson.network[key];
      if (wanted !== undefined && runs[key] !== wanted)
        throw new NodeFailure(`node ${n} runs ${variable}=${String(runs[key])}; this lesson needs ${variable}=${wanted} docker compose up`);
    }
    if (typeof health.node_id !== 'string') throw new NodeFailure(`node ${n} gave no node_id in GET /health`);
    if (typeof mode.miner_address !== 'string') throw new NodeFailure(`node ${n} gave no miner_address in GET /health`);
    ids.push(health.node_id);
    miners.push(mode.miner_address);
    rules.push(String(mode.tx_rule));
  }
  if (new Set(rules).size > 1) throw new NodeFailure(`the nodes run different TX_RULEs: ${rules.join(', ')}`);
  const txRule = rules[0] === 'signed' ? 'signed' : 'open';
  return { ids, network: { txRule, miners } };
}

async function act(step: Step, ids: string[], call: Call, parties: Parties): Promise<void> {
  switch (step.action) {
    case 'mine':
      return void (await call(step.node, 'POST', '/mine'));
    case 'send':
      return void (await call(step.node, 'POST', '/transactions/new', await transaction(step, call, parties)));
    case 'partition':
      return void (await call(1, 'POST', '/lab/partition', { groups: step.groups.map((group) => group.map((n) => ids[n - 1]!)) }));
    case 'heal':
      return void (await call(1, 'POST', '/lab/heal'));
    case 'resolve':
      return void (await call(step.node, 'POST', '/nodes/resolve'));
    case 'tamper': {
      const { index, transaction = 0, amount, rehash = false } = step;
      return void (await call(step.node, 'POST', '/lab/tamper', { index, transaction, amount, rehash }));
    }
    case 'reset':
      return void (await call(step.node, 'POST', '/lab/reset', { scope: 'node' }));
    case 'wait':
      return void (await sleep(step.ms));
  }
}

/** The body of a send: plain under open; under signed, signed by `signed_by` (a forgery) or the sender, with the sender's next nonce. */
async function transaction(step: Extract<Step, { action: 'send' }>, call: Call, parties: Parties): Promise<Record<string, unknown>> {
  const sender = parties.address(step.from);
  const recipient = parties.address(step.to);
  if (step.signed_by === undefined && parties.txRule === 'open') return { sender, recipient, amount: step.amount };
  const nonce = nextNonceIn(await call(step.node, 'GET', `/accounts/${sender}`));
  if (nonce === undefined) throw new NodeFailure(`node ${step.node} gave no next_nonce for ${step.from}`);
  const fields = { amount: step.amount, nonce, recipient, sender };
  const signature = parties.sign(step.signed_by ?? step.from, fields);
  if (signature === undefined)
    throw new NodeFailure(`nobody here holds ${step.signed_by ?? step.from}'s key: a payment from a miner needs signed_by (a forgery)`);
  return { ...fields, signature };
}
