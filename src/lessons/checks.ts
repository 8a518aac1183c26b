import { setTimeout as sleep } from 'node:timers/promises';
import { LARGE_ANSWER_BYTES, type RequestOptions } from '../cli/node-client.ts';
import type { Expectation, TxMatch } from './format.ts';
import type { Parties } from './parties.ts';

/** One JSON request to node N of the lesson, its body on success; a failure throws NodeFailure. */
export type Call = (
  n: number,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
  options?: RequestOptions,
) => Promise<Record<string, unknown>>;

/** A node that did not do what a step asked, with its reason; `refusal`: the node's own, when it refused (a 4xx). */
export class NodeFailure extends Error {
  readonly refusal: string | undefined;
  constructor(message: string, refusal?: string) {
    super(message);
    this.refusal = refusal;
  }
}

export interface Check {
  ok: boolean;
  line: string;
}

const POLL_MS = 100;

/** Reads until `done` holds or `timeoutMs` passes; answers the last reading either way. */
export async function poll<T>(timeoutMs: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<{ ok: boolean; value: T }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return { ok: true, value };
    if (Date.now() >= deadline) return { ok: false, value };
    await sleep(POLL_MS);
  }
}

/** Every node's tip, in order. */
export async function tipsOf(count: number, call: Call): Promise<{ length: number; hash: string }[]> {
  const tips = [];
  for (let n = 1; n <= count; n += 1) {
    const { length, hash } = await call(n, 'GET', '/chain/tip');
    if (!Number.isSafeInteger(length) || typeof hash !== 'string')
      throw new NodeFailure(`node ${n}'s GET /chain/tip has no length and hash`);
    tips.push({ length: length as number, hash });
  }
  return tips;
}

export interface CheckContext {
  count: number;
  call: Call;
  parties: Parties;
  timeoutMs: number;
}

/**
 * Checks a step's expectations (but `refused`, which is about the action: see runner.ts). Gossip
 * is asynchronous, so each is read again until it holds or the time is up, and reported either way.
 */
export async function checkExpectations(expectation: Expectation, context: CheckContext): Promise<Check[]> {
  const { count, call, parties, timeoutMs } = context;
  const results: Check[] = [];
  const until = async <T>(line: string, read: () => Promise<T>, done: (value: T) => boolean, seen: (value: T) => string) => {
    try {
      const outcome = await poll(timeoutMs, read, done);
      results.push(outcome.ok ? { ok: true, line } : { ok: false, line: `${line}: ${seen(outcome.value)} after ${timeoutMs} ms` });
    } catch (error) {
      if (!(error instanceof NodeFailure)) throw error;
      results.push({ ok: false, line: `${line}: could not check: ${error.message}` });
    }
  };
  const { lengths, forked, valid, pending_contains: pending, chain_contains: inChain, balances } = expectation;
  if (lengths !== undefined)
    await until(
      `lengths ${lengths.join(', ')}`,
      () => tipsOf(count, call),
      (tips) => tips.every((tip, i) => tip.length === lengths[i]),
      (tips) => `got ${tips.map((tip) => tip.length).join(', ')}`,
    );
  if (forked !== undefined)
    await until(
      forked ? "the nodes' tips differ: a fork" : 'every node has the same tip',
      () => tipsOf(count, call),
      (tips) => new Set(tips.map((tip) => tip.hash)).size > 1 === forked,
      (tips) => `tips ${tips.map((tip) => tip.hash.slice(0, 12)).join(', ')}`,
    );
  if (valid !== undefined) {
    const read = async () => {
      const verdicts = [];
      for (let n = 1; n <= count; n += 1) verdicts.push(await call(n, 'GET', '/chain/verify'));
      return verdicts;
    };
    await until(
      `chains valid: ${valid.map((v) => (v ? 'yes' : 'no')).join(', ')}`,
      read,
      (verdicts) => verdicts.every((verdict, i) => verdict.valid === valid[i]),
      (verdicts) => `got ${verdicts.map((v) => (v.valid === true ? 'yes' : `no (${reasonsOf(v.reasons)})`)).join(', ')}`,
    );
  }
  if (pending !== undefined) {
    const read = async () => list((await call(pending.node, 'GET', '/transactions/pending')).transactions);
    await until(
      `node ${pending.node}'s pool holds ${describe(pending)}`,
      read,
      (txs) => txs.some(matcher(pending, parties)),
      (txs) => `${txs.length} pending, none of them`,
    );
  }
  if (inChain !== undefined) {
    const read = async () =>
      list((await call(inChain.node, 'GET', '/chain', undefined, { maxBytes: LARGE_ANSWER_BYTES })).chain).flatMap((block) =>
        list((block as { transactions?: unknown }).transactions),
      );
    await until(
      `node ${inChain.node}'s chain holds ${describe(inChain)}`,
      read,
      (txs) => txs.some(matcher(inChain, parties)),
      (txs) => `${txs.length} transactions in its blocks, none of them`,
    );
  }
  if (balances !== undefined) {
    const entries = Object.entries(balances.accounts);
    const read = async () => {
      const seen: number[] = [];
      for (const [party] of entries) {
        const { balance } = await call(balances.node, 'GET', `/accounts/${parties.address(party)}`);
        if (typeof balance !== 'number') throw new NodeFailure(`node ${balances.node}'s GET /accounts gave no balance for ${party}`);
        seen.push(balance);
      }
      return seen;
    };
    await until(
      `balances on node ${balances.node}: ${entries.map(([party, amount]) => `${party} ${amount}`).join(', ')}`,
      read,
      (seen) => seen.every((balance, i) => balance === entries[i]![1]),
      (seen) => `got ${seen.join(', ')}`,
    );
  }
  return results;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

function reasonsOf(reasons: unknown): string {
  return Array.isArray(reasons) && reasons.length > 0 ? String(reasons[0]) : 'no reason given';
}

function matcher({ sender, recipient, amount }: TxMatch, parties: Parties): (tx: Record<string, unknown>) => boolean {
  const wanted: [string, unknown][] = [];
  if (sender !== undefined) wanted.push(['sender', parties.address(sender)]);
  if (recipient !== undefined) wanted.push(['recipient', parties.address(recipient)]);
  if (amount !== undefined) wanted.push(['amount', amount]);
  return (tx) => wanted.every(([key, value]) => tx[key] === value);
}

function describe({ sender, recipient, amount }: TxMatch): string {
  const parts = [
    sender === undefined ? '' : `from ${sender}`,
    recipient === undefined ? '' : `to ${recipient}`,
    amount === undefined ? '' : `of ${amount}`,
  ];
  return `a transaction ${parts.filter((part) => part !== '').join(' ')}`.trim();
}
