import type { Transaction } from './block.ts';
import { jsonLengths } from './json-length.ts';

/** A pending transaction with what it costs, measured once when it is pooled. */
export interface PendingEntry {
  readonly transaction: Transaction;
  /** transactionBytes: what it counts against the pool's bound. */
  readonly bytes: number;
  /** The length of its canonical JSON: what it adds to a block, besides the ', ' before it. */
  readonly blockBytes: number;
}

/**
 * The pending transactions, in the order they were pooled, by key (see transactionKey), with
 * their total size kept as they come and go, so that bounding the pool and filling a block never
 * measure a transaction twice.
 */
export class PendingPool {
  // A Map keeps insertion order: it is the pool's order.
  #entries = new Map<string, PendingEntry>();
  #transactions: Transaction[] = [];
  /** True when #transactions lags #entries: something was taken out since it was built. */
  #stale = false;
  #bytes = 0;
  #withoutId = 0;

  /**
   * The transactions, oldest first. Taking some out makes a new array, but adding one pushes onto
   * the array last handed out: whoever keeps it (a cached body, an event) sees later additions
   * appended, never one taken out or reordered. Copy it to keep a fixed view. Copying on every add
   * instead would cost the whole pool per transaction, since `.length` is read for each one.
   */
  get transactions(): readonly Transaction[] {
    if (this.#stale) {
      this.#transactions = [...this.#entries.values()].map((entry) => entry.transaction);
      this.#stale = false;
    }
    return this.#transactions;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The sum of transactionBytes over the pool. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How many pending transactions have no id: only those are looked for by their content. */
  get withoutId(): number {
    return this.#withoutId;
  }

  get(key: string): Transaction | undefined {
    return this.#entries.get(key)?.transaction;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The entries, oldest first. */
  entries(): IterableIterator<PendingEntry> {
    return this.#entries.values();
  }

  /** Pools `transaction` under `key`, unless that key is pending already; true if it was pooled. */
  add(key: string, transaction: Transaction): boolean {
    if (this.#entries.has(key)) return false;
    // One walk for both: transactionBytes is the compact length.
    const { compact, canonical } = jsonLengths(transaction);
    const entry = { transaction, bytes: compact, blockBytes: canonical };
    this.#entries.set(key, entry);
    if (!this.#stale) this.#transactions.push(transaction);
    this.#bytes += entry.bytes;
    if (typeof transaction.id !== 'string') this.#withoutId++;
    return true;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#stale = true;
    this.#bytes -= entry.bytes;
    if (typeof entry.transaction.id !== 'string') this.#withoutId--;
  }

  /** Empties the pool, and gives back what it held, oldest first, by key. */
  drain(): Map<string, Transaction> {
    const drained = new Map([...this.#entries].map(([key, entry]) => [key, entry.transaction]));
    this.#entries = new Map();
    this.#transactions = [];
    this.#stale = false;
    this.#bytes = 0;
    this.#withoutId = 0;
    return drained;
  }
}
