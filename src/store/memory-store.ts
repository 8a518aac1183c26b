import type { ChainChange, ChainStore } from './chain-store.ts';

/** Keeps the changes in this process only: everything is gone when it exits, as in the reference. */
export class MemoryStore implements ChainStore {
  #changes: ChainChange[] = [];

  async load(): Promise<ChainChange[]> {
    return [...this.#changes];
  }

  async record(change: ChainChange): Promise<void> {
    this.#changes.push(change);
  }

  async rewrite(changes: ChainChange[]): Promise<void> {
    this.#changes = [...changes];
  }

  async close(): Promise<void> {}
}
