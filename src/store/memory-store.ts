import type { ChainChange, ChainState, ChainStore } from './chain-store.ts';

/** Keeps the state in this process only: everything is gone when it exits, as in the reference. */
export class MemoryStore implements ChainStore {
  #state: ChainState | undefined;

  async load(): Promise<ChainState | undefined> {
    return this.#state && { chain: [...this.#state.chain], pending: [...this.#state.pending] };
  }

  async record(change: ChainChange): Promise<void> {
    const state = (this.#state ??= { chain: [], pending: [] });
    if (change.type === 'transaction') state.pending.push(change.transaction);
    if (change.type === 'block') {
      state.chain.push(change.block);
      state.pending = [];
    }
    if (change.type === 'chain') state.chain = [...change.chain];
  }

  async close(): Promise<void> {}
}
