import { genesisBlock, isReward, rewardTransaction, transactionKey, type Block, type ForgedBlock, type Transaction } from './block.ts';
import { hashBlock } from './hash.ts';
import { pyFloat } from './py-json.ts';
import { isObject } from './validate.ts';

/**
 * One change to a node's state. Every change goes through `Blockchain.apply`, and a store records
 * the same changes in the same order, so replaying them rebuilds the state exactly.
 */
export type ChainChange =
  /** A transaction joins the pool. */
  | { type: 'transaction'; transaction: Transaction }
  /** A block is appended on the tip (mined here or received); the transactions it holds leave the pool. */
  | { type: 'block'; block: Block }
  /**
   * The blocks from position `from` (1-based, as block indexes count) on are replaced by `blocks`:
   * a longer chain was adopted. See `Blockchain.apply` for what happens to their transactions.
   */
  | { type: 'chain'; from: number; blocks: Block[] };

/** What adopting a longer chain did: the blocks it dropped and the transactions that went back to the pool. */
export interface Reorg {
  dropped: Block[];
  returned: Transaction[];
}

/**
 * The chain and the pending transactions of one node: pure state, changed only through `apply`.
 * No clock, no I/O: the caller passes the time and decides what to persist.
 */
export class Blockchain {
  #chain: Block[];
  #pending: Transaction[] = [];
  /** Keys (see transactionKey) of the pending transactions. */
  #pendingKeys = new Map<string, Transaction>();
  /**
   * The ids of the transactions in the chain, to the first copy. Only ids: a key for each of
   * 10,000 transactions without one (the reference's) would cost its canonical JSON in memory.
   * Those are looked for in the blocks themselves, which only transactions from reference nodes need.
   */
  #chainIds = new Map<string, Transaction>();
  /** Ids held by more than one block (a peer may send such a chain), with how many hold them. */
  #idCopies = new Map<string, number>();

  constructor(chain: Block[] = [genesisBlock()]) {
    this.#chain = chain;
    for (const block of chain) this.#index(block, 1);
  }

  /** The state after `changes`, applied in order to a new chain. */
  static replay(changes: Iterable<ChainChange>): Blockchain {
    const blockchain = new Blockchain();
    for (const change of changes) blockchain.apply(change);
    return blockchain;
  }

  get chain(): readonly Block[] {
    return this.#chain;
  }

  get pending(): readonly Transaction[] {
    return this.#pending;
  }

  get length(): number {
    return this.#chain.length;
  }

  get lastBlock(): Block {
    return this.#chain[this.#chain.length - 1]!;
  }

  /** The fewest changes that rebuild this state: the chain, then each pending transaction. */
  snapshot(): ChainChange[] {
    return [
      { type: 'chain', from: 1, blocks: [...this.#chain] },
      ...this.#pending.map((transaction) => ({ type: 'transaction' as const, transaction })),
    ];
  }

  /** The pending transaction with this key, if any. */
  pendingTransaction(key: string): Transaction | undefined {
    return this.#pendingKeys.get(key);
  }

  /** The copy of `transaction` (same id, or for one without, same content) in a block of the chain, if any. */
  includedTransaction(transaction: Transaction): Transaction | undefined {
    if (typeof transaction.id === 'string') return this.#chainIds.get(transaction.id);
    return findIn(this.#chain, transactionKey(transaction));
  }

  /**
   * The reference's `new_block`, not yet applied: the pending transactions plus the reward,
   * appended last, on top of the current tip.
   */
  forgeBlock(proof: number, timestampSeconds: number, minerId: string): ForgedBlock {
    return {
      index: this.length + 1,
      timestamp: pyFloat(timestampSeconds),
      transactions: [...this.#pending, rewardTransaction(minerId)],
      proof,
      previous_hash: hashBlock(this.lastBlock),
    };
  }

  /**
   * Applies one change; the caller has validated it. For a `chain` change (a reorg), the
   * transactions of the dropped blocks, rewards aside, go back to the pool unless the new blocks
   * hold them, and pending transactions that the new blocks hold leave the pool.
   */
  apply(change: ChainChange): Reorg {
    switch (change.type) {
      case 'transaction':
        this.#pool([change.transaction], (transaction) => this.includedTransaction(transaction) !== undefined);
        return { dropped: [], returned: [] };
      case 'block':
        this.#chain.push(change.block);
        this.#index(change.block, 1);
        this.#unpool([change.block]);
        return { dropped: [], returned: [] };
      case 'chain':
        return this.#replace(change.from, change.blocks);
    }
  }

  #replace(from: number, blocks: Block[]): Reorg {
    const dropped = this.#chain.slice(from - 1);
    // A new array: whoever holds the old one (a cached /chain body, an event) keeps a consistent view.
    this.#chain = [...this.#chain.slice(0, from - 1), ...blocks];
    for (const block of dropped) this.#index(block, -1);
    for (const block of blocks) this.#index(block, 1);
    const before = new Set(this.#pendingKeys.keys());
    const orphaned = dropped.flatMap(paymentsOf);
    // The dropped blocks' transactions go first: they were accepted before those still pending.
    const pool = this.#pending;
    this.#pending = [];
    this.#pendingKeys.clear();
    // Only the new blocks can hold a dropped transaction: the blocks before them held it nowhere.
    let inNewBlocks: Set<string> | undefined;
    this.#pool([...orphaned, ...pool], (transaction) =>
      typeof transaction.id === 'string'
        ? this.#chainIds.has(transaction.id)
        : (inNewBlocks ??= keysIn(blocks)).has(transactionKey(transaction)),
    );
    this.#unpool(blocks);
    const returned = this.#pending.filter((transaction) => !before.has(transactionKey(transaction)));
    return { dropped, returned };
  }

  /** Adds transactions to the pool that are neither pending nor, by `inChain`, in the chain already. */
  #pool(transactions: Transaction[], inChain: (transaction: Transaction) => boolean): void {
    for (const transaction of transactions) {
      const key = transactionKey(transaction);
      if (this.#pendingKeys.has(key) || inChain(transaction)) continue;
      this.#pending.push(transaction);
      this.#pendingKeys.set(key, transaction);
    }
  }

  /** Takes out of the pool what `blocks`, just added to the chain, hold. */
  #unpool(blocks: readonly Block[]): void {
    if (this.#pending.length === 0) return;
    const held = keysIn(blocks);
    let taken = false;
    for (const key of this.#pendingKeys.keys()) {
      if (held.has(key)) taken = this.#pendingKeys.delete(key);
    }
    // The map keeps the pool's order: it is filled in step with it.
    if (taken) this.#pending = [...this.#pendingKeys.values()];
  }

  #index(block: Block, delta: 1 | -1): void {
    // Run for every block of an adopted chain: it allocates nothing for a transaction without an id.
    const { transactions } = block;
    if (!Array.isArray(transactions)) return;
    for (const transaction of transactions) {
      const id = isObject(transaction) ? transaction.id : undefined;
      if (typeof id !== 'string') continue;
      const copies = (this.#idCopies.get(id) ?? (this.#chainIds.has(id) ? 1 : 0)) + delta;
      if (copies === 0) this.#chainIds.delete(id);
      else if (!this.#chainIds.has(id)) this.#chainIds.set(id, transaction as Transaction);
      if (copies > 1) this.#idCopies.set(id, copies);
      else this.#idCopies.delete(id);
    }
  }
}

/** The keys of the payments in `blocks`. */
function keysIn(blocks: readonly Block[]): Set<string> {
  return new Set(blocks.flatMap((block) => paymentsOf(block).map(transactionKey)));
}

/** The first payment in `chain` with this key: a search, for the rare transaction without an id. */
function findIn(chain: readonly Block[], key: string): Transaction | undefined {
  for (const block of chain) {
    for (const transaction of paymentsOf(block)) if (transactionKey(transaction) === key) return transaction;
  }
  return undefined;
}

/**
 * A block's transactions other than the mining reward, those that are JSON objects: a peer's block
 * may hold anything the reference accepts.
 */
function paymentsOf(block: Block): Transaction[] {
  const { transactions } = block;
  if (!Array.isArray(transactions)) return [];
  return transactions.filter((transaction): transaction is Transaction => isObject(transaction) && !isReward(transaction as Transaction));
}
