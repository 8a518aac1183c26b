import type { EventEmitter } from 'node:events';
import { rewardTransaction, transactionBytes, transactionKey, type ForgedBlock, type Transaction } from '../chain/block.ts';
import type { Blockchain } from '../chain/blockchain.ts';
import { jsonLength } from '../chain/json-length.ts';
import { canonicalJson, pyFloat } from '../chain/py-json.ts';
import { StoreFailedError, type DurableWrites } from './durable-writes.ts';
import type { NodeEvents } from './node-events.ts';

/** How much the node takes in: the bounds of its pending pool, and of a block. */
export interface PoolLimits {
  /** Most transactions pending at once. */
  maxPending: number;
  /** Most bytes of JSON (transactionBytes) pending at once. */
  maxPendingBytes: number;
  /** Largest block, as JSON: a transaction that cannot fit in one is refused. */
  maxBlockBytes: number;
}

/** Why a transaction, or a batch, was not taken: nothing of it was stored. */
export type Refusal =
  /** The pool is at one of its bounds; it takes new transactions again once a block is mined. */
  | { status: 'full'; reason: string }
  /** No block could hold it. */
  | { status: 'too large'; reason: string }
  /** It breaks a rule of TX_RULE=signed (a nonce, a balance): see signed-ledger.ts. */
  | { status: 'invalid'; reason: string };

/** What became of a transaction given to the node. */
export type TransactionOutcome =
  | { status: 'added'; transaction: Transaction; index: number }
  /** A copy of one the node holds already (pending or in the chain): nothing was stored. */
  | { status: 'known'; transaction: Transaction }
  /** Its id belongs to another transaction: nothing was stored. */
  | { status: 'conflict'; transaction: Transaction }
  | Refusal;

/** What became of a batch of transactions a peer passed on: all of them counted, or none taken. */
export type BatchOutcome = { status: 'pooled'; added: number; known: number; conflicting: number } | Refusal;

export interface PoolIntakeDeps {
  blockchain: Blockchain;
  /** Whom the blocks this node mines reward: the reward takes room in every block. */
  minerId: string;
  writes: DurableWrites;
  limits: PoolLimits;
  /** Where `transaction` is announced, once the transaction is pooled. */
  events: EventEmitter<NodeEvents>;
}

/** A transaction being written, not yet pooled. */
interface InFlight {
  transaction: Transaction;
  bytes: number;
  pooled: Promise<TransactionOutcome>;
}

/**
 * Takes new transactions into the pending pool, within its bounds, each pooled only once it is
 * stored (see DurableWrites). Only new transactions are bounded: those a reorg returns to the pool
 * were acknowledged once and are never dropped, even past the bounds.
 */
export class PoolIntake {
  #deps: PoolIntakeDeps;
  /**
   * Transactions being written, by key (see transactionKey): they count against the bounds, and a
   * copy arriving meanwhile waits for the first, known once it is stored, failing if it fails.
   */
  #inFlight = new Map<string, InFlight>();
  #inFlightBytes = 0;
  /** What a transaction may take of a block: what is left beside the largest empty block mined here. */
  #blockRoom: number;

  constructor(deps: PoolIntakeDeps) {
    this.#deps = deps;
    this.#blockRoom = deps.limits.maxBlockBytes - largestEmptyBlockBytes(deps.minerId);
  }

  /** Pools `transaction` if it is new and fits; resolves once it is stored. */
  add(transaction: Transaction): Promise<TransactionOutcome> {
    // Not an async function: its promise would wrap the write's, a few more turns per request.
    const { failure } = this.#deps.writes;
    if (failure !== undefined) return Promise.reject(new StoreFailedError(failure));
    const key = transactionKey(transaction);
    const held = this.#held(transaction, key);
    if (held !== undefined) return held;
    const measured = this.#measure([transaction]);
    return typeof measured === 'number' ? this.#write(transaction, key, measured) : Promise.resolve(measured);
  }

  /** Pools those of `transactions` that are new, if all of them fit, or none. */
  async addAll(transactions: readonly Transaction[]): Promise<BatchOutcome> {
    this.#deps.writes.refuseIfFailed();
    // Checked and recorded in one synchronous go: nothing changes the pool in between.
    const fresh = new Map<string, Transaction>();
    for (const transaction of transactions) {
      const key = transactionKey(transaction);
      if (!fresh.has(key) && !this.#holds(key, transaction)) fresh.set(key, transaction);
    }
    const measured = this.#measure([...fresh.values()]);
    if (typeof measured !== 'number') return measured;
    const outcomes = await Promise.all(transactions.map((transaction) => this.#held(transaction) ?? this.#write(transaction)));
    const count = (status: TransactionOutcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
    return { status: 'pooled', added: count('added'), known: count('known'), conflicting: count('conflict') };
  }

  /** Whether the node holds a transaction under `key` (pending or in the chain), or is writing one. */
  #holds(key: string, transaction: Transaction): boolean {
    const { blockchain } = this.#deps;
    return (
      this.#inFlight.has(key) ||
      blockchain.pendingTransaction(key) !== undefined ||
      blockchain.includedTransaction(transaction) !== undefined
    );
  }

  /** What becomes of a transaction the node holds or is writing already: known, or a conflict. */
  #held(transaction: Transaction, key = transactionKey(transaction)): Promise<TransactionOutcome> | undefined {
    const { blockchain } = this.#deps;
    const held = blockchain.pendingTransaction(key) ?? blockchain.includedTransaction(transaction);
    if (held !== undefined) return Promise.resolve(copyOf(held, transaction));
    const inFlight = this.#inFlight.get(key);
    return inFlight?.pooled.then(() => copyOf(inFlight.transaction, transaction));
  }

  /** Why the pool cannot take `fresh`, new transactions all, if it cannot; else their transactionBytes, summed. */
  #measure(fresh: readonly Transaction[]): Refusal | number {
    const { blockchain, limits } = this.#deps;
    let bytes = 0;
    for (const transaction of fresh) {
      const compact = transactionBytes(transaction);
      bytes += compact;
      // In a block, a transaction is written as canonical JSON, with ', ' after it (see forgeBlock).
      // Canonical JSON adds a space after each ',' and ':' of the compact form, so it is at most
      // twice as long: almost every transaction is shown to fit without being measured again.
      if (2 * compact + 2 <= this.#blockRoom) continue;
      const inBlock = jsonLength(transaction, 'canonical', this.#blockRoom) + 2;
      if (inBlock > this.#blockRoom) {
        return {
          status: 'too large',
          reason: `the transaction cannot fit in a block: a block holds at most ${limits.maxBlockBytes} bytes as JSON (MAX_BLOCK_BYTES), which leaves ${this.#blockRoom} for transactions`,
        };
      }
    }
    const retry = 'try again once a block is mined';
    if (blockchain.pending.length + this.#inFlight.size + fresh.length > limits.maxPending) {
      return {
        status: 'full',
        reason: `the pending pool is full: it holds at most ${limits.maxPending} transactions (MAX_PENDING); ${retry}`,
      };
    }
    if (blockchain.pendingBytes + this.#inFlightBytes + bytes > limits.maxPendingBytes) {
      return {
        status: 'full',
        reason: `the pending pool is full: it holds at most ${limits.maxPendingBytes} bytes of transactions as JSON (MAX_PENDING_BYTES); ${retry}`,
      };
    }
    return bytes;
  }

  /** Records a new transaction (of `bytes`, its transactionBytes), and pools it once it is stored. */
  #write(transaction: Transaction, key = transactionKey(transaction), bytes = transactionBytes(transaction)): Promise<TransactionOutcome> {
    const { blockchain, writes, events } = this.#deps;
    const land = () => {
      if (this.#inFlight.delete(key)) this.#inFlightBytes -= bytes;
    };
    const pooled = writes.write({ type: 'transaction', transaction }, (): TransactionOutcome => {
      land();
      blockchain.apply({ type: 'transaction', transaction });
      // A block or a reorg written meanwhile may hold it already: then it is a copy, not announced.
      const pooledNow = blockchain.pendingTransaction(key);
      const held = pooledNow === transaction ? undefined : (pooledNow ?? blockchain.includedTransaction(transaction));
      if (held !== undefined) return copyOf(held, transaction);
      events.emit('transaction', { transaction });
      return { status: 'added', transaction, index: blockchain.length + 1 };
    });
    pooled.catch(land);
    this.#inFlight.set(key, { transaction, bytes, pooled });
    this.#inFlightBytes += bytes;
    return pooled;
  }
}

/** `transaction` as a copy of `held`, the one under the same key: the same content, or a conflict. */
function copyOf(held: Transaction, transaction: Transaction): TransactionOutcome {
  return { status: canonicalJson(held) === canonicalJson(transaction) ? 'known' : 'conflict', transaction: held };
}

/**
 * The canonical JSON length of the largest block this node could mine with no transaction but the
 * reward: every number at its longest. A transaction that does not fit beside it fits in no block.
 */
function largestEmptyBlockBytes(minerId: string): number {
  const block: ForgedBlock = {
    index: Number.MAX_SAFE_INTEGER,
    timestamp: pyFloat(-1.2345678901234568e-300), // as long as a float's repr gets
    transactions: [rewardTransaction(minerId)],
    proof: Number.MAX_SAFE_INTEGER,
    previous_hash: '0'.repeat(64),
  };
  return canonicalJson(block).length;
}
