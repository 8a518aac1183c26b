import { Blockchain } from '../chain/blockchain.ts';
import type { ChainChange, ChainStore } from './chain-store.ts';

/** Changes kept before the first compaction; after it, twice what the last one kept. */
const COMPACT_AT = 10_000;

/**
 * Keeps the changes in this process only: everything is gone when it exits, as in the reference.
 * A node without DATA_DIR records every transaction and block here and never reads them back, so
 * the log compacts itself to the state it builds (Blockchain.snapshot) whenever it has doubled:
 * dropped blocks and mined transactions are not kept alive for nothing.
 */
export class MemoryStore implements ChainStore {
  #changes: ChainChange[] = [];
  #compactAt = COMPACT_AT;

  async load(): Promise<ChainChange[]> {
    return [...this.#changes];
  }

  async record(change: ChainChange): Promise<void> {
    this.#changes.push(change);
    if (this.#changes.length >= this.#compactAt) {
      this.#changes = Blockchain.replay(this.#changes).snapshot();
      this.#compactAt = Math.max(COMPACT_AT, 2 * this.#changes.length);
    }
  }

  async rewrite(changes: ChainChange[]): Promise<void> {
    this.#changes = [...changes];
  }

  async close(): Promise<void> {}
}
