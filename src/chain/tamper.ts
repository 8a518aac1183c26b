// The lab's attack on a node's own chain (issue 13): the tutorial's tampering, done in place and
// without mining, so that a learner sees which rule catches it. See POST /lab/tamper.
import type { Block } from './block.ts';
import { cachedHash } from './block-hash-cache.ts';
import type { JsonObject, JsonValue } from './py-json.ts';
import { isNumber, isObject, type Verdict } from './validate.ts';

/** What to rewrite: one transaction's amount, and whether to relink every later block to it. */
export interface Tampering {
  /** The block's position, from 1 (its `index`, in a chain the node accepted). */
  index: number;
  /** The transaction's position in the block, from 0. */
  transaction: number;
  amount: JsonValue;
  /** Also rewrite each later block's previous_hash, as the tutorial's attacker does: under the notebook's rule the chain is then valid again. */
  rehash: boolean;
}

/** The blocks that replace the chain's from position `at` on (see the `tamper` ChainChange). */
export interface TamperedBlocks {
  at: number;
  blocks: Block[];
}

const FIELDS = ['index', 'transaction', 'amount', 'rehash'];

/** The body of POST /lab/tamper: `{index, transaction, amount, rehash?}`, nothing else. */
export function validTampering(body: JsonValue): Verdict<Tampering> {
  if (!isObject(body)) return fail('the body must be a JSON object: {"index": 2, "transaction": 0, "amount": 1000}');
  const unknown = Object.keys(body).filter((name) => !FIELDS.includes(name));
  if (unknown.length > 0) return fail(`unknown field ${JSON.stringify(unknown[0])}: a tampering takes ${FIELDS.join(', ')}`);
  const { index, transaction, amount, rehash = false } = body;
  if (!isWhole(index, 1)) return fail('index must be a block index, a whole number from 1');
  if (!isWhole(transaction, 0)) return fail("transaction must be the transaction's position in the block, a whole number from 0");
  if (amount === undefined) return fail('amount is missing: the new amount of the transaction');
  if (!isNumber(amount) || (typeof amount === 'number' && !Number.isFinite(amount))) return fail('amount must be a finite number');
  if (typeof rehash !== 'boolean') return fail('rehash must be true or false');
  return { ok: true, value: { index, transaction, amount, rehash } };
}

/**
 * The blocks `tampering` makes of `chain`'s: new objects, never the old ones changed, since a block
 * in a chain is immutable (its hash and its JSON text are cached per object). Without `rehash` only
 * the one block is rewritten, and the next one's previous_hash no longer matches it.
 */
export function tamperedBlocks(chain: readonly Block[], { index, transaction, amount, rehash }: Tampering): Verdict<TamperedBlocks> {
  const block = chain[index - 1];
  if (block === undefined) return fail(`index ${index} is past the tip: the chain has ${chain.length} blocks`);
  const { transactions } = block;
  if (!Array.isArray(transactions)) return fail(`block ${index} has no list of transactions`);
  const target = transactions[transaction];
  if (target === undefined) return fail(`block ${index} has ${count(transactions.length)}: there is no transaction ${transaction}`);
  if (!isObject(target)) return fail(`transaction ${transaction} of block ${index} is not an object`);
  const rewritten: JsonObject = { ...target, amount };
  const blocks: Block[] = [{ ...block, transactions: transactions.map((item, i) => (i === transaction ? rewritten : item)) }];
  if (rehash) {
    for (const later of chain.slice(index)) blocks.push({ ...later, previous_hash: cachedHash(blocks[blocks.length - 1]!) });
  }
  return { ok: true, value: { at: index, blocks } };
}

function isWhole(value: JsonValue | undefined, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

function count(n: number): string {
  return n === 1 ? '1 transaction' : `${n} transactions`;
}

function fail<T>(reason: string): Verdict<T> {
  return { ok: false, reason };
}
