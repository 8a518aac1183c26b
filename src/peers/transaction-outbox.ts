import type { Transaction } from '../chain/block.ts';
import { toJson } from '../chain/py-json.ts';

/** `{"transactions":[]}`: what a batch's JSON is besides its transactions and the commas between them. */
const EMPTY_BATCH_BYTES = toJson({ transactions: [] }).length;

/** A transaction owed to the peer, its key in the outbox, and the limit the peer is to pass it on to. */
export interface Owed {
  key: string;
  transaction: Transaction;
  limit: string | undefined;
}

/** What a batch is taken from, and how one that cannot be written is reported. */
export interface BatchSource {
  /** The pending transaction with this key, if it is still pending. */
  pendingTransaction(key: string): Transaction | undefined;
  /** Called for a pending transaction that cannot be written as JSON: it is let go. */
  unwritable(owed: Pick<Owed, 'key' | 'transaction'>): void;
}

/**
 * The transactions one peer may not have yet, by key (transactionKey), in the pool's order, each with
 * the limit of the range the peer is to pass it on over (broadcast-tree.ts; undefined: nobody).
 */
export class TransactionOutbox {
  readonly #owed = new Map<string, string | undefined>();

  /** Owes these keys up to `limit`: a range replaces what was owed; no range never narrows one. */
  add(keys: Iterable<string>, limit: string | undefined): void {
    for (const key of keys) if (limit !== undefined || !this.#owed.has(key)) this.#owed.set(key, limit);
  }

  /** Lets go of the keys of `batch` still owed over `limit`: one owed over another range meanwhile is owed still. */
  settle(batch: readonly Owed[], limit: string | undefined): void {
    for (const { key } of batch) if (this.#owed.get(key) === limit) this.#owed.delete(key);
  }

  clear(): void {
    this.#owed.clear();
  }

  /**
   * The oldest transactions owed that are still pending, as many as one request takes: at most
   * `maxCount`, and within `maxBytes` unless a single one is larger. Those mined meanwhile are
   * let go, since the peer gets them with the block.
   */
  nextBatch(source: BatchSource, maxCount: number, maxBytes: number): Owed[] {
    const batch: Owed[] = [];
    let bytes = EMPTY_BATCH_BYTES;
    for (const [key, limit] of this.#owed) {
      // One limit a request; the next limit waits for the next batch, so the pool's order is kept.
      if (batch.length > 0 && limit !== batch[0]!.limit) break;
      const transaction = source.pendingTransaction(key);
      const size = transaction === undefined ? undefined : jsonBytes(transaction);
      if (transaction === undefined || size === undefined) {
        if (transaction !== undefined) source.unwritable({ key, transaction });
        this.#owed.delete(key);
        continue;
      }
      const added = batch.length === 0 ? size : size + 1; // and its comma
      if (batch.length > 0 && bytes + added > maxBytes) break;
      batch.push({ key, transaction, limit });
      bytes += added;
      if (batch.length >= maxCount) break;
    }
    return batch;
  }

  /**
   * Takes every range owed out of the outbox, grouped by limit, for `handOver` to give to the next
   * members; the peer is still owed its own copy.
   */
  handOverRanges(handOver: (keys: readonly string[], limit: string) => void): void {
    const byLimit = new Map<string, string[]>();
    for (const [key, limit] of this.#owed) {
      if (limit === undefined) continue;
      const keys = byLimit.get(limit) ?? [];
      if (keys.length === 0) byLimit.set(limit, keys);
      keys.push(key);
      this.#owed.set(key, undefined);
    }
    for (const [limit, keys] of byLimit) handOver(keys, limit);
  }
}

/** The bytes of a transaction's JSON (ASCII only: as many as its characters), or undefined if it cannot be written. */
function jsonBytes(transaction: Transaction): number | undefined {
  try {
    return toJson(transaction).length;
  } catch {
    return undefined;
  }
}

/** A transaction as a warning names it: by its id, or by its key when it has none, cut short (a key can be a megabyte of JSON). */
export function describe({ key, transaction }: Pick<Owed, 'key' | 'transaction'>): string {
  const name = typeof transaction.id === 'string' ? transaction.id : key;
  return name.length > 100 ? `${name.slice(0, 100)}…` : name;
}
