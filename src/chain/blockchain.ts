import { genesisBlock, rewardTransaction, type Block, type ForgedBlock, type Transaction } from './block.ts';
import { hashBlock } from './hash.ts';
import { pyFloat } from './py-json.ts';

/**
 * The chain and the pending transactions of one node: pure state, changed only through these
 * methods. No clock, no I/O: the caller passes the time and decides what to persist.
 */
export class Blockchain {
  #chain: Block[];
  #pending: Transaction[];

  constructor(chain: Block[] = [genesisBlock()], pending: Transaction[] = []) {
    this.#chain = chain;
    this.#pending = pending;
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

  /** Adds a transaction to the pool; returns the index of the block that will hold it. */
  addTransaction(transaction: Transaction): number {
    this.#pending.push(transaction);
    return this.length + 1;
  }

  /**
   * The reference's `new_block`: the pending transactions plus the reward, appended last, on top
   * of the current tip. Empties the pool.
   */
  forgeBlock(proof: number, timestampSeconds: number, minerId: string): ForgedBlock {
    const block: ForgedBlock = {
      index: this.length + 1,
      timestamp: pyFloat(timestampSeconds),
      transactions: [...this.#pending, rewardTransaction(minerId)],
      proof,
      previous_hash: hashBlock(this.lastBlock),
    };
    this.#chain.push(block);
    this.#pending = [];
    return block;
  }

  /** Adopts a chain already validated by the caller. */
  replaceChain(chain: Block[]): void {
    this.#chain = chain;
  }
}
