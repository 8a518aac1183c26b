import { genesisBlock, REWARD_SENDER, rewardTransaction, transactionKey, type Block, type ForgedBlock, type Transaction } from './block.ts';
import { cachedHash } from './block-hash-cache.ts';
import { ChainTransactions, sameTransaction } from './chain-transactions.ts';
import { PendingPool } from './pending-pool.ts';
import { canonicalJson, pyFloat } from './py-json.ts';
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
  | { type: 'chain'; from: number; blocks: Block[] }
  /**
   * The lab's tampering: the blocks from position `at` on, as many as `blocks` holds, are replaced
   * by `blocks` in place, with no effect on the pool. No reorg: the old blocks' transactions are
   * not returned, since the chain keeps its length and its history, only rewritten.
   */
  | { type: 'tamper'; at: number; blocks: Block[] }
  /** The lab's restore (and reset, to the genesis block with no pending): the whole state is `chain` and `pending`. */
  | { type: 'restore'; chain: Block[]; pending: Transaction[] }
  /**
   * Pending transactions leave the pool unmined: under TX_RULE=signed, those the chain, once
   * changed, no longer leaves room for (a nonce it used, a balance it spent). Each leaves only if
   * it is pending as given, the same id and content.
   */
  | { type: 'unpool'; transactions: Transaction[] };

/** What adopting a longer chain did: the blocks it dropped and the transactions that went back to the pool. */
export interface Reorg {
  dropped: Block[];
  returned: Transaction[];
}

/**
 * The chain and the pending transactions of one node: pure state, changed only through `apply`.
 * No clock, no I/O: the caller passes the time and decides what to persist. A transaction is
 * identified by its id and its content together (see ChainTransactions): a block that holds a
 * pending transaction's id with other content leaves the pending one pending.
 */
export class Blockchain {
  #chain: Block[];
  #pool = new PendingPool();
  #included = new ChainTransactions(() => this.#chain);

  constructor(chain: Block[] = [genesisBlock()]) {
    this.#chain = chain;
    for (const block of chain) this.#included.add(block);
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
    return this.#pool.transactions;
  }

  /** The pending transactions' size: the sum of their transactionBytes. */
  get pendingBytes(): number {
    return this.#pool.bytes;
  }

  get length(): number {
    return this.#chain.length;
  }

  get lastBlock(): Block {
    return this.#chain[this.#chain.length - 1]!;
  }

  /**
   * The fewest changes that rebuild this state: the genesis block, each later block on its own,
   * then each pending transaction. One change per block, so that in a log one damaged record
   * costs one block and what follows it, not the whole chain.
   */
  snapshot(): ChainChange[] {
    const [genesis, ...later] = this.#chain;
    return [
      { type: 'chain', from: 1, blocks: [genesis!] },
      ...later.map((block) => ({ type: 'block' as const, block })),
      ...this.pending.map((transaction) => ({ type: 'transaction' as const, transaction })),
    ];
  }

  /** The pending transaction with this key, if any. */
  pendingTransaction(key: string): Transaction | undefined {
    return this.#pool.get(key);
  }

  /**
   * The chain's copy of `transaction`: the same id and content if a block holds it, else another
   * transaction under its id (a conflict), else undefined. For one without an id, the same content.
   */
  includedTransaction(transaction: Transaction): Transaction | undefined {
    return this.#included.find(transaction);
  }

  /**
   * The reference's `new_block`, not yet applied: the pending transactions, oldest first, plus the
   * reward, appended last, on top of the current tip. Unlike the reference's, a block holds only
   * the pending transactions that keep its canonical JSON within `maxBlockBytes`: it stops at the
   * first that does not fit, and the rest wait for the next block. One too large for any block
   * (only a reorg could pool one: the node refuses them) is passed over, so it holds up no other.
   */
  forgeBlock(proof: number, timestampSeconds: number, minerId: string, maxBlockBytes: number): ForgedBlock {
    const reward = rewardTransaction(minerId);
    const block: ForgedBlock = {
      index: this.length + 1,
      timestamp: pyFloat(timestampSeconds),
      transactions: [reward],
      proof,
      previous_hash: cachedHash(this.lastBlock),
    };
    // Exact, not an estimate: each transaction adds its canonical JSON and the ', ' after it.
    const empty = canonicalJson(block).length;
    let bytes = empty;
    const taken: Transaction[] = [];
    for (const { transaction, blockBytes } of this.#pool.entries()) {
      const added = blockBytes + 2;
      if (bytes + added <= maxBlockBytes) {
        taken.push(transaction);
        bytes += added;
      } else if (empty + added <= maxBlockBytes) {
        break;
      }
    }
    block.transactions = [...taken, reward];
    return block;
  }

  /**
   * Applies one change; the caller has validated it. For a `chain` change (a reorg), the
   * transactions of the dropped blocks, rewards aside, go back to the pool unless the new chain
   * holds them, and pending transactions that the new chain holds leave the pool.
   */
  apply(change: ChainChange): Reorg {
    switch (change.type) {
      case 'transaction':
        this.#offer(transactionKey(change.transaction), change.transaction);
        return { dropped: [], returned: [] };
      case 'block':
        this.#chain.push(change.block);
        this.#included.add(change.block);
        this.#unpool(change.block);
        return { dropped: [], returned: [] };
      case 'chain':
        return this.#replace(change.from, change.blocks);
      case 'tamper':
        return this.#rewrite(change.at, change.blocks);
      case 'restore':
        return this.#restore(change.chain, change.pending);
      case 'unpool':
        for (const transaction of change.transactions) this.#unpoolOne(transaction);
        return { dropped: [], returned: [] };
    }
  }

  /** Replaces blocks in place: a new array and new block objects, since a block, once in a chain, is never changed (its hash and text are cached). */
  #rewrite(at: number, blocks: Block[]): Reorg {
    const end = at - 1 + blocks.length;
    const replaced = this.#chain.slice(at - 1, end);
    this.#chain = [...this.#chain.slice(0, at - 1), ...blocks, ...this.#chain.slice(end)];
    for (const block of replaced) this.#included.remove(block);
    for (const block of blocks) this.#included.add(block);
    return { dropped: [], returned: [] };
  }

  /** The whole state replaced: nothing returns to the pool, which is `pending` now. */
  #restore(chain: Block[], pending: Transaction[]): Reorg {
    this.#chain = [...chain];
    this.#included = new ChainTransactions(() => this.#chain);
    for (const block of this.#chain) this.#included.add(block);
    this.#pool.drain();
    for (const transaction of pending) this.#offer(transactionKey(transaction), transaction);
    return { dropped: [], returned: [] };
  }

  #replace(from: number, blocks: Block[]): Reorg {
    const dropped = this.#chain.slice(from - 1);
    // A new array: whoever holds the old one (a cached /chain body, an event) keeps a consistent view.
    this.#chain = [...this.#chain.slice(0, from - 1), ...blocks];
    for (const block of dropped) this.#included.remove(block);
    for (const block of blocks) this.#included.add(block);
    const pending = this.#pool.drain();
    const returned: Transaction[] = [];
    // The dropped blocks' transactions go first: they were accepted before those still pending.
    for (const transaction of dropped.flatMap(returnable)) {
      const key = transactionKey(transaction);
      const rival = pending.get(key);
      if (rival === undefined) {
        if (this.#offer(key, transaction)) returned.push(transaction);
      } else if (sameTransaction(rival, transaction)) {
        this.#offer(key, rival);
      }
      // Under a pending transaction's id but with other content: the pending one keeps its id, or
      // a block that stole it, once dropped, would push it out of the pool.
    }
    for (const [key, transaction] of pending) this.#offer(key, transaction);
    return { dropped, returned };
  }

  /** Pools `transaction` unless it is pending or in the chain already; true if it was pooled. */
  #offer(key: string, transaction: Transaction): boolean {
    // The pool looks the key up itself: on a pool of millions, each lookup is a cache miss.
    return !this.#included.holds(transaction) && this.#pool.add(key, transaction);
  }

  /** Takes out of the pool the transactions `block`, just appended, holds: the same id and the same content. */
  #unpool(block: Block): void {
    const { transactions } = block;
    if (this.#pool.size === 0 || !Array.isArray(transactions)) return;
    for (const item of transactions) if (isObject(item)) this.#unpoolOne(item as Transaction);
  }

  /** Takes `transaction` out of the pool if it is pending: the same id and the same content. */
  #unpoolOne(transaction: Transaction): void {
    if (typeof transaction.id === 'string') {
      const key = transactionKey(transaction);
      const pending = this.#pool.get(key);
      if (pending !== undefined && sameTransaction(pending, transaction)) this.#pool.delete(key);
    } else if (this.#pool.withoutId > 0) {
      this.#pool.delete(transactionKey(transaction));
    }
  }
}

/**
 * What a dropped block gives back to the pool: its transactions that are JSON objects (a peer's
 * block may hold anything the reference accepts), except anything from the reward's sender.
 * Rewards exist only inside the blocks that pay them, and a fake one pooled would be mined forever.
 */
function returnable(block: Block): Transaction[] {
  const { transactions } = block;
  if (!Array.isArray(transactions)) return [];
  return transactions.filter((transaction): transaction is Transaction => isObject(transaction) && transaction.sender !== REWARD_SENDER);
}
