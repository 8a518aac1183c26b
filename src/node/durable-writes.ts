import type { ChainChange } from '../chain/blockchain.ts';
import { messageOf, type Logger } from '../log/log.ts';
import type { ChainStore } from '../store/chain-store.ts';

/**
 * Why the node refused a change: its store failed, so nothing it acknowledged from then on would
 * survive a restart. Exposed to the client, as a 503.
 */
export class StoreFailedError extends Error {
  override name = 'StoreFailedError';
  readonly status = 503;
  readonly expose = true;

  constructor(reason: string) {
    super(`the store failed, so this node takes no more changes: ${reason}`);
  }
}

const settled = () => undefined;

/**
 * Every change the node makes to its state, in the one order that keeps its acknowledgements true:
 * checked against the state, recorded in the store, and applied (then announced and acknowledged)
 * only once the store has it. A change the store could not take is never applied, and once the
 * store has failed, every later change is refused.
 */
export class DurableWrites {
  readonly #store: ChainStore;
  readonly #log: Logger;
  /** Settles once every change recorded so far has been applied, or has failed. */
  #applied: Promise<void> = Promise.resolve();
  /** Changes recorded whose `apply` has not run yet (nor failed). */
  #unapplied = 0;
  /** Settles once the block or chain change under way (see inTurn) is done. */
  #turn: Promise<void> = Promise.resolve();
  #failure: string | undefined;

  constructor(store: ChainStore, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  /** Why the store failed, once it has. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Throws a StoreFailedError once the store has failed: the node takes no more changes. */
  refuseIfFailed(): void {
    if (this.#failure !== undefined) throw new StoreFailedError(this.#failure);
  }

  /**
   * Records `change` in the store now (its place in the store is taken synchronously), then runs
   * `apply` (synchronous) once it is durable and resolves with what `apply` returns. Rejects with a
   * StoreFailedError, without running `apply`, if the store could not take it.
   */
  write<T>(change: ChainChange, apply: () => T): Promise<T> {
    this.refuseIfFailed();
    const durable = this.#record(change);
    // The ordering rule: a change is applied only once it is durable AND every change recorded
    // before it has been applied. The store keeps changes in the order `record` was called, so the
    // state in memory is always what replaying the durable part of the store builds, applied in
    // store order, and nothing a restart would lose is ever applied, announced or acknowledged.
    // Stores resolve records in the order they were made; waiting for the one before keeps the
    // rule even for a store that did not. With none waiting to be applied, there is nothing to
    // wait for but the store: one promise less per transaction, on a busy node.
    const ready = this.#unapplied === 0 ? durable : this.#applied.then(() => durable);
    this.#unapplied++;
    const applied = ready.then(
      () => {
        this.#unapplied--;
        return apply();
      },
      (error: unknown) => {
        this.#unapplied--;
        throw new StoreFailedError(messageOf(error));
      },
    );
    this.#applied = applied.then(settled, settled);
    return applied;
  }

  /**
   * Runs `step` once the block or chain change before it is done and every change recorded until
   * then has been applied. A change that moves the tip (a block, a chain) must be checked against
   * the state it will apply to: `step` checks, then calls `write`, in one synchronous go, and the
   * next turn waits for what `step` returns. Transactions do not take turns; they cannot move the tip.
   */
  inTurn<T>(step: () => T | Promise<T>): Promise<T> {
    const run = this.#turn
      .then(() => this.#applied)
      .then(() => {
        this.refuseIfFailed();
        return step();
      });
    this.#turn = run.then(settled, settled);
    return run;
  }

  #record(change: ChainChange): Promise<void> {
    // Called now, not later: the change takes its place in the store at once; one that throws
    // rather than rejects is a failed write too.
    let durable: Promise<void>;
    try {
      durable = Promise.resolve(this.#store.record(change));
    } catch (error) {
      durable = Promise.reject(error instanceof Error ? error : new Error(messageOf(error)));
    }
    durable.catch((error: unknown) => {
      this.#failure ??= messageOf(error);
      this.#log.error({ err: error, change: change.type }, `could not store a ${change.type} change: ${messageOf(error)}`);
    });
    return durable;
  }
}
