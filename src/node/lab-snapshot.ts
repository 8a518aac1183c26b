import { transactionBytes, transactionKey, type Block, type Transaction } from '../chain/block.ts';
import type { JsonObject, JsonValue } from '../chain/py-json.ts';
import type { ChainRules } from '../chain/rules.ts';
import { isObject, shown, validChain, validTransaction, type Verdict } from '../chain/validate.ts';
import type { PoolLimits } from './pool-intake.ts';

/** A node's state as GET /lab/snapshot gives it and POST /lab/restore takes it back. */
export interface Snapshot {
  chain: Block[];
  pending: Transaction[];
}

/** GET /lab/snapshot's body: `{chain, length, pending}`. */
export function snapshotJson(chain: readonly Block[], pending: readonly Transaction[]): JsonObject {
  return { chain: [...chain], length: chain.length, pending: [...pending] };
}

/**
 * The body of POST /lab/restore: a snapshot a node gave, or one like it. The chain must be valid
 * under the node's rules (the validator's reason otherwise), `length` (optional) must be its
 * length, and the pending transactions must be ones the node would pool: each valid, no key twice,
 * within the pool's bounds. Whatever is wrong, the reason says where.
 */
export function validSnapshot(body: JsonValue, rules: ChainRules, limits: PoolLimits): Verdict<Snapshot> {
  if (!isObject(body))
    return fail('the body must be a snapshot, as GET /lab/snapshot gives it: {"chain": [...], "length": n, "pending": [...]}');
  const unknown = Object.keys(body).filter((name) => !['chain', 'length', 'pending'].includes(name));
  if (unknown.length > 0) return fail(`unknown field ${JSON.stringify(unknown[0])}: a snapshot has chain, length and pending`);
  const chain = validChain(body.chain, rules);
  if (!chain.ok) return fail(`chain: ${chain.reason}`);
  if (body.length !== undefined && body.length !== chain.value.length)
    return fail(`length ${shown(body.length)} does not match a chain of ${chain.value.length} blocks`);
  const pending = validPending(body.pending ?? [], limits);
  if (!pending.ok) return pending;
  return { ok: true, value: { chain: chain.value, pending: pending.value } };
}

function validPending(pending: JsonValue, { maxPending, maxPendingBytes }: PoolLimits): Verdict<Transaction[]> {
  if (!Array.isArray(pending)) return fail('pending must be an array of transactions');
  if (pending.length > maxPending)
    return fail(`pending holds ${pending.length} transactions; the pool takes at most ${maxPending} (MAX_PENDING)`);
  const keys = new Set<string>();
  const transactions: Transaction[] = [];
  let bytes = 0;
  for (const [i, entry] of pending.entries()) {
    const verdict = validTransaction(entry);
    if (!verdict.ok) return fail(`pending[${i}]: ${verdict.reason}`);
    // The entry as it came, with any field the reference's transactions carry: it is what a node pooled.
    const transaction = entry as Transaction;
    const key = transactionKey(transaction);
    if (keys.has(key)) return fail(`pending[${i}] is pending twice`);
    keys.add(key);
    bytes += transactionBytes(transaction);
    if (bytes > maxPendingBytes) return fail(`pending holds more than ${maxPendingBytes} bytes of JSON (MAX_PENDING_BYTES)`);
    transactions.push(transaction);
  }
  return { ok: true, value: transactions };
}

function fail<T>(reason: string): Verdict<T> {
  return { ok: false, reason };
}
