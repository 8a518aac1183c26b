import { EventEmitter } from 'node:events';
import type { Transaction } from '../chain/block.ts';
import type { NodeEvents, Relay } from './node-events.ts';

/**
 * Whom each transaction a peer passed on is owed to, while its batch is taken in: the intake
 * announces what it pools on `pooled`, and this adds the relay the peer asked for before passing
 * the announcement on to the node's own events.
 */
export class TransactionRelays {
  /** Where the intake announces what it pools (see PoolIntake). */
  readonly pooled = new EventEmitter<NodeEvents>();
  readonly #relays = new WeakMap<Transaction, Relay>();

  constructor(events: EventEmitter<NodeEvents>) {
    this.pooled.on('transaction', ({ transaction }) => {
      const relay = this.#relays.get(transaction);
      events.emit('transaction', relay === undefined ? { transaction } : { transaction, relay });
    });
  }

  /**
   * Takes in transactions a peer passed on through `add`; those pooled meanwhile are owed on over
   * the ring up to `limit` (without one, to nobody).
   */
  receive<T>(transactions: readonly Transaction[], limit: string | undefined, add: () => Promise<T>): Promise<T> {
    const relay: Relay = limit === undefined ? 'none' : { limit };
    for (const transaction of transactions) this.#relays.set(transaction, relay);
    // Each is announced as it is pooled, before the batch settles: then the relays are let go.
    const forget = () => transactions.forEach((transaction) => this.#relays.delete(transaction));
    return add().finally(forget);
  }
}
