import { createHash } from 'node:crypto';
import { isReward, type Block, type Transaction } from './block.ts';
import { canonicalJson } from './py-json.ts';
import { isObject } from './validate.ts';

/** The copies held under one key: one transaction, or, in the rare case that several blocks hold it, all of them. */
type Copies = Transaction | Transaction[];

/**
 * The transactions in a chain's blocks, found without scanning the blocks. A transaction is the
 * same as another when both its id and its content are, so that a block which carries a pending
 * transaction's id with other content neither takes the pending one's place nor hides it.
 *
 * Those with an id are kept by id, as they come and go. Those without one (the reference's) are
 * kept by a digest of their canonical JSON, not the JSON itself, to keep memory small; that index
 * is built only once one is looked for, since only transactions from reference nodes need it.
 */
export class ChainTransactions {
  #byId = new Map<string, Copies>();
  #byDigest: Map<string, Copies> | undefined;
  readonly #chain: () => readonly Block[];

  /** `chain` gives the blocks as they are now, for building the index of those without an id. */
  constructor(chain: () => readonly Block[]) {
    this.#chain = chain;
  }

  /** Counts in the transactions of `block`, which joined the chain. */
  add(block: Block): void {
    this.#each(block, addCopy);
  }

  /** Counts out the transactions of `block`, which left the chain. */
  remove(block: Block): void {
    this.#each(block, removeCopy);
  }

  /**
   * The chain's copy of `transaction`: one with the same id and content if there is one, else
   * another under its id (which the caller calls a conflict), else undefined. For a transaction
   * without an id, one with the same content. Canonical JSON is written only on an id match.
   */
  find(transaction: Transaction): Transaction | undefined {
    if (typeof transaction.id !== 'string') return firstOf(this.#digests().get(digestOf(transaction)));
    const copies = this.#byId.get(transaction.id);
    // One copy is the answer either way: the same transaction, or a conflict.
    if (copies === undefined || !Array.isArray(copies)) return copies;
    return sameIn(copies, transaction) ?? copies[0];
  }

  /** Whether the chain holds `transaction` itself: the same id and the same content. */
  holds(transaction: Transaction): boolean {
    if (typeof transaction.id !== 'string') return this.#digests().has(digestOf(transaction));
    const copies = this.#byId.get(transaction.id);
    if (copies === undefined) return false;
    return sameIn(Array.isArray(copies) ? copies : [copies], transaction) !== undefined;
  }

  #each(block: Block, edit: (index: Map<string, Copies>, key: string, transaction: Transaction) => void): void {
    // Run for every block of an adopted chain: it writes nothing for a transaction without an id
    // until that index is built.
    const { transactions } = block;
    if (!Array.isArray(transactions)) return;
    for (const item of transactions) {
      if (!isObject(item)) continue;
      const transaction = item as Transaction;
      if (typeof transaction.id === 'string') edit(this.#byId, transaction.id, transaction);
      else if (this.#byDigest !== undefined && !isReward(transaction)) edit(this.#byDigest, digestOf(transaction), transaction);
    }
  }

  #digests(): Map<string, Copies> {
    if (this.#byDigest === undefined) {
      this.#byDigest = new Map();
      for (const block of this.#chain()) this.#each(block, addCopy);
    }
    return this.#byDigest;
  }
}

/** True when `a` and `b` are the same transaction: the same object, or the same canonical JSON. */
export function sameTransaction(a: Transaction, b: Transaction): boolean {
  return a === b || canonicalJson(a) === canonicalJson(b);
}

/** The copy in `copies` that is the same transaction as `transaction`, writing its JSON at most once. */
function sameIn(copies: readonly Transaction[], transaction: Transaction): Transaction | undefined {
  if (copies.includes(transaction)) return transaction;
  const json = canonicalJson(transaction);
  return copies.find((copy) => canonicalJson(copy) === json);
}

function digestOf(transaction: Transaction): string {
  return createHash('sha256').update(canonicalJson(transaction)).digest('base64');
}

function firstOf(copies: Copies | undefined): Transaction | undefined {
  return Array.isArray(copies) ? copies[0] : copies;
}

function addCopy(index: Map<string, Copies>, key: string, transaction: Transaction): void {
  const copies = index.get(key);
  if (copies === undefined) index.set(key, transaction);
  else if (Array.isArray(copies)) copies.push(transaction);
  else index.set(key, [copies, transaction]);
}

function removeCopy(index: Map<string, Copies>, key: string, transaction: Transaction): void {
  const copies = index.get(key);
  if (copies === transaction) index.delete(key);
  if (!Array.isArray(copies)) return;
  const at = copies.indexOf(transaction);
  if (at >= 0) copies.splice(at, 1);
  if (copies.length === 1) index.set(key, copies[0]!);
}
