import { createHash } from 'node:crypto';
import { isReward, type Block, type Transaction } from './block.ts';
import { canonicalJson } from './py-json.ts';
import { isObject } from './validate.ts';

/** Copies of one transaction (the same canonical JSON), which several blocks may hold: one is kept, and how many. */
interface Held {
  readonly transaction: Transaction;
  count: number;
}

/** Copies by the digest of their canonical JSON. */
type ByDigest = Map<string, Held>;

/**
 * What the chain holds under one id: its one copy, in the common case, or, once several blocks
 * hold that id, those copies by digest. A lookup then writes the JSON of what is looked for once,
 * never that of every copy: a peer's blocks may hold thousands under one id.
 */
type UnderId = Transaction | ByDigest;

/**
 * The transactions in a chain's blocks, found without scanning the blocks. A transaction is the
 * same as another when both its id and its content are, so that a block which carries a pending
 * transaction's id with other content neither takes the pending one's place nor hides it.
 *
 * Those with an id are kept by id, as they come and go; no digest is written for an id that only
 * one block holds. Those without one (the reference's) are kept by a digest of their canonical
 * JSON, not the JSON itself, to keep memory small; that index is built only once one is looked
 * for, since only transactions from reference nodes need it.
 */
export class ChainTransactions {
  #byId = new Map<string, UnderId>();
  #byDigest: ByDigest | undefined;
  readonly #chain: () => readonly Block[];

  /** `chain` gives the blocks as they are now, for building the index of those without an id. */
  constructor(chain: () => readonly Block[]) {
    this.#chain = chain;
  }

  /** Counts in the transactions of `block`, which joined the chain. */
  add(block: Block): void {
    for (const transaction of transactionsOf(block)) {
      if (typeof transaction.id === 'string') this.#addUnderId(transaction.id, transaction);
      else if (this.#byDigest !== undefined && !isReward(transaction)) addHeld(this.#byDigest, digestOf(transaction), transaction);
    }
  }

  /** Counts out the transactions of `block`, which left the chain. */
  remove(block: Block): void {
    for (const transaction of transactionsOf(block)) {
      if (typeof transaction.id === 'string') this.#removeUnderId(transaction.id, transaction);
      else if (this.#byDigest !== undefined && !isReward(transaction)) removeHeld(this.#byDigest, digestOf(transaction));
    }
  }

  /**
   * The chain's copy of `transaction`: one with the same id and content if there is one, else
   * another under its id (which the caller calls a conflict), else undefined. For a transaction
   * without an id, one with the same content. Canonical JSON is written at most once, and only
   * when several blocks hold the id.
   */
  find(transaction: Transaction): Transaction | undefined {
    if (typeof transaction.id !== 'string') return this.#digests().get(digestOf(transaction))?.transaction;
    const under = this.#byId.get(transaction.id);
    // One copy is the answer either way: the same transaction, or a conflict.
    if (!(under instanceof Map)) return under;
    return (under.get(digestOf(transaction)) ?? firstOf(under))?.transaction;
  }

  /** Whether the chain holds `transaction` itself: the same id and the same content. */
  holds(transaction: Transaction): boolean {
    if (typeof transaction.id !== 'string') return this.#digests().has(digestOf(transaction));
    const under = this.#byId.get(transaction.id);
    if (under === undefined) return false;
    if (under instanceof Map) return under.has(digestOf(transaction));
    return sameTransaction(under, transaction);
  }

  #addUnderId(id: string, transaction: Transaction): void {
    const under = this.#byId.get(id);
    if (under === undefined) return void this.#byId.set(id, transaction);
    if (under instanceof Map) return addHeld(under, digestOf(transaction), transaction);
    // A second block holds this id: from now on its copies are told apart by digest.
    const copies: ByDigest = new Map();
    addHeld(copies, digestOf(under), under);
    addHeld(copies, digestOf(transaction), transaction);
    this.#byId.set(id, copies);
  }

  #removeUnderId(id: string, transaction: Transaction): void {
    const under = this.#byId.get(id);
    if (under === undefined) return;
    if (!(under instanceof Map)) {
      if (under === transaction || sameTransaction(under, transaction)) this.#byId.delete(id);
      return;
    }
    removeHeld(under, digestOf(transaction));
    // Back to one copy: kept as the common case is, without a digest.
    const only = under.size === 1 ? firstOf(under) : undefined;
    if (under.size === 0) this.#byId.delete(id);
    else if (only !== undefined && only.count === 1) this.#byId.set(id, only.transaction);
  }

  #digests(): ByDigest {
    if (this.#byDigest === undefined) {
      const byDigest: ByDigest = new Map();
      for (const block of this.#chain())
        for (const transaction of transactionsOf(block))
          if (typeof transaction.id !== 'string' && !isReward(transaction)) addHeld(byDigest, digestOf(transaction), transaction);
      this.#byDigest = byDigest;
    }
    return this.#byDigest;
  }
}

/** True when `a` and `b` are the same transaction: the same object, or the same canonical JSON. */
export function sameTransaction(a: Transaction, b: Transaction): boolean {
  return a === b || canonicalJson(a) === canonicalJson(b);
}

function digestOf(transaction: Transaction): string {
  return createHash('sha256').update(canonicalJson(transaction)).digest('base64');
}

/** The transactions of `block` that are objects: a block's are checked only as the rules read them. */
function* transactionsOf(block: Block): Iterable<Transaction> {
  const { transactions } = block;
  if (!Array.isArray(transactions)) return;
  for (const item of transactions) if (isObject(item)) yield item as Transaction;
}

function firstOf(copies: ByDigest): Held | undefined {
  for (const held of copies.values()) return held;
  return undefined;
}

function addHeld(copies: ByDigest, digest: string, transaction: Transaction): void {
  const held = copies.get(digest);
  if (held === undefined) copies.set(digest, { transaction, count: 1 });
  else held.count++;
}

function removeHeld(copies: ByDigest, digest: string): void {
  const held = copies.get(digest);
  if (held === undefined) return;
  held.count--;
  if (held.count === 0) copies.delete(digest);
}
