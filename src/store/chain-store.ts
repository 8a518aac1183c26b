import type { ChainChange } from '../chain/blockchain.ts';
import type { StoreDamage } from './log-files.ts';

export type { ChainChange, StoreDamage };

/**
 * Where a node keeps the changes that built its state: `Blockchain.replay(await store.load())`
 * rebuilds it. A node acknowledges a change (a 201, a mined block) only after `record` has
 * resolved, so a store that resolves once the change is durable makes every acknowledgement
 * survive a crash.
 */
export interface ChainStore {
  /**
   * Damage found when the store was opened, and what was kept (see FileStore): the node reports
   * it. Undefined for a store that opened clean, or that cannot be damaged (memory).
   */
  readonly damage?: StoreDamage | undefined;
  /** Every change recorded so far, oldest first; [] for a new store. */
  load(): Promise<ChainChange[]>;
  /**
   * Records one change. It takes its place in the log when called (synchronously), so the order
   * of calls is the order in the store; resolves once the change is durable.
   */
  record(change: ChainChange): Promise<void>;
  /** Replaces everything recorded by `changes` (compaction), atomically: after a crash the store holds either the old changes or the new. */
  rewrite(changes: ChainChange[]): Promise<void>;
  close(): Promise<void>;
}
