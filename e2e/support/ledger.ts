import { parseJson } from '../../src/chain/py-json-parse.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { validChainResponse, type Verdict } from '../../src/chain/validate.ts';
import type { NodeApi } from './node-api.ts';
import type { Block, Transaction } from './notebook.ts';

/** What a node holds: its chain and its pending transactions. */
export interface Ledger {
  chain: Block[];
  pending: Transaction[];
}

export async function ledgerOf(api: NodeApi): Promise<Ledger> {
  const chain = await api.get('/chain');
  const pending = await api.get('/transactions/pending');
  if (chain.status !== 200 || pending.status !== 200) {
    throw new Error(`GET /chain answered ${chain.status}, GET /transactions/pending ${pending.status}: ${JSON.stringify(pending.body)}`);
  }
  return { chain: (chain.body as { chain: Block[] }).chain, pending: (pending.body as { transactions: Transaction[] }).transactions };
}

/**
 * The node's chain checked by the project's own chain core, under `rules`. Parsed with Python's number rules, as a
 * peer would: JSON.parse turns a timestamp like 5.0 into 5, and the hashes would no longer match.
 */
export async function verdictOnChain(api: NodeApi, rules: ChainRules): Promise<Verdict<unknown>> {
  const { status, text } = await api.getText('/chain');
  if (status !== 200) return { ok: false, reason: `GET /chain answered ${status}` };
  const parsed = parseJson(text);
  return parsed.ok ? validChainResponse(parsed.value, rules) : parsed;
}

/** The ids of the transactions in the chain, each with the number of times it is there. */
export function idsInChain(chain: readonly Block[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const transaction of chain.flatMap((block) => block.transactions)) {
    if (typeof transaction.id === 'string') counts.set(transaction.id, (counts.get(transaction.id) ?? 0) + 1);
  }
  return counts;
}

/** Where acknowledged transactions went wrong; every list is empty when none did. */
export interface Audit {
  /** Neither in the chain nor pending: lost. */
  missing: string[];
  /** More than once in the chain: spent twice. */
  twiceInChain: string[];
  /** In the chain and still pending, so it would be mined again. */
  chainedAndPending: string[];
}

/** Checks that each of `acked` is in `ledger`'s chain exactly once or else pending. */
export function audit(acked: Iterable<string>, { chain, pending }: Ledger): Audit {
  const inChain = idsInChain(chain);
  const pendingIds = new Set(pending.map((transaction) => transaction.id));
  const result: Audit = { missing: [], twiceInChain: [], chainedAndPending: [] };
  for (const id of new Set(acked)) {
    const count = inChain.get(id) ?? 0;
    if (count === 0 && !pendingIds.has(id)) result.missing.push(id);
    if (count > 1) result.twiceInChain.push(id);
    if (count > 0 && pendingIds.has(id)) result.chainedAndPending.push(id);
  }
  return result;
}

export const CLEAN_AUDIT: Audit = { missing: [], twiceInChain: [], chainedAndPending: [] };

/** The hash of a node's tip and its length, from /health: enough to compare chains. */
export async function tipOf(api: NodeApi): Promise<{ length: number; tip_hash: string }> {
  const reply = await api.get('/health');
  if (reply.status !== 200) throw new Error(`GET /health answered ${reply.status}`);
  const { length, tip_hash } = reply.body as { length: number; tip_hash: string };
  return { length, tip_hash };
}
