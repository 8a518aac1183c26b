import { isReward, type Block, type Transaction } from '../chain/block.ts';
import { Blockchain } from '../chain/blockchain.ts';
import { isObject } from '../chain/validate.ts';
import type { ChainChange, ChainStore } from './chain-store.ts';

/** Changes kept before the first compaction; after it, twice what the last one kept. */
const COMPACT_AT = 10_000;

/**
 * Keeps the changes in this process only: everything is gone when it exits, as in the reference.
 * A node without DATA_DIR records every transaction and block here and never reads them back, so
 * the log compacts itself to the state it builds (Blockchain.snapshot) whenever it has doubled:
 * dropped blocks and mined transactions are not kept alive for nothing.
 *
 * A compaction replays the whole log, in one go, in the middle of a request: 250 ms at 400,000
 * changes, when a class fills the pool and nobody mines. So it is done only when the changes since
 * the last one could have made a quarter of the log redundant (see mayDrop); a pool that only
 * grows keeps every change it recorded, and waits until the next doubling to be looked at again.
 */
export class MemoryStore implements ChainStore {
  #changes: ChainChange[] = [];
  #compactAt = COMPACT_AT;
  /** At most how many of the changes a compaction would drop: the sum of mayDrop over those since the last. */
  #droppable = 0;

  async load(): Promise<ChainChange[]> {
    return [...this.#changes];
  }

  async record(change: ChainChange): Promise<void> {
    this.#changes.push(change);
    this.#droppable += mayDrop(change, this.#changes.length - 1);
    if (this.#changes.length < this.#compactAt) return;
    if (4 * this.#droppable >= this.#changes.length) {
      this.#changes = Blockchain.replay(this.#changes).snapshot();
      this.#droppable = 0;
    }
    this.#compactAt = Math.max(COMPACT_AT, 2 * this.#changes.length);
  }

  async rewrite(changes: ChainChange[]): Promise<void> {
    this.#changes = [...changes];
    // What a node rewrites is its snapshot (see server.ts): nothing in it is redundant yet.
    this.#droppable = 0;
    this.#compactAt = Math.max(COMPACT_AT, 2 * changes.length);
  }

  async close(): Promise<void> {}
}

/**
 * At most how many changes recorded before `change` (`before` of them) it makes redundant: the
 * pending transactions a block or an adopted chain mines, the blocks a longer chain or the lab's
 * tampering replaces, the transactions taken out of the pool, and everything before a restore. A
 * pooled transaction makes none. Counting more than that costs a replay that finds less to drop;
 * counting less would keep dead changes for good, so every case errs high.
 */
function mayDrop(change: ChainChange, before: number): number {
  switch (change.type) {
    case 'transaction':
      return 0;
    case 'block':
      return minedCount(change.block);
    case 'chain':
      // The blocks it replaces (at most as many as it brings: the chain adopted is longer), and
      // the pending transactions its blocks hold, which leave the pool.
      return change.blocks.reduce((sum: number, block) => sum + 1 + minedCount(block), 0);
    case 'tamper':
      return change.blocks.length;
    case 'unpool':
      return change.transactions.length;
    case 'restore':
      return before;
  }
}

/** How many of a block's transactions may have been pending: all but its rewards, which never are. */
function minedCount(block: Block): number {
  const { transactions } = block;
  if (!Array.isArray(transactions)) return 0;
  return transactions.filter((transaction) => !(isObject(transaction) && isReward(transaction as Transaction))).length;
}
