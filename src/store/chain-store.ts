import type { Block, Transaction } from '../chain/block.ts';

export interface ChainState {
  chain: Block[];
  pending: Transaction[];
}

/** One change to a node's state, recorded in the order it happened. */
export type ChainChange =
  | { type: 'transaction'; transaction: Transaction }
  | { type: 'block'; block: Block } // appended on the tip; it took every pending transaction
  | { type: 'chain'; chain: Block[] }; // replaced by a longer one

/**
 * Where a node keeps its chain and pending pool. A node acknowledges a change (a 201, a mined block)
 * only after `record` has resolved, so an implementation that resolves once the change is durable
 * makes every acknowledgement survive a crash.
 */
export interface ChainStore {
  /** The state recorded so far, or undefined when nothing was ever recorded. */
  load(): Promise<ChainState | undefined>;
  record(change: ChainChange): Promise<void>;
  close(): Promise<void>;
}
