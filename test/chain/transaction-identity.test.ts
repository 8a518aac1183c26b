// A transaction is its id and its content together. A peer's block that carries a pending
// transaction's id with other content (alice→mallory 5000 under the id of alice→bob 5) must not
// take the acknowledged one out of the pool, nor stand in for it in the chain. And nothing from
// the reward's sender is ever pooled again: rewards exist only inside the blocks that pay them.
import type { Transaction } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { blockOn, MAX_BLOCK_BYTES } from '../support/chains.ts';

const toBob: Transaction = { sender: 'alice', recipient: 'bob', amount: 5, id: 'x1' };
const toMallory: Transaction = { sender: 'alice', recipient: 'mallory', amount: 5000, id: 'x1' };
const payments = (blockchain: Blockchain) => blockchain.chain.flatMap((block) => block.transactions as Transaction[]);

/** A node with alice→bob pending, and a peer's block that stole its id appended. */
function robbed(): Blockchain {
  const blockchain = new Blockchain();
  blockchain.apply({ type: 'transaction', transaction: toBob });
  blockchain.apply({ type: 'block', block: blockOn(blockchain, [{ ...toMallory }], 'thief') });
  return blockchain;
}

describe('a stolen id', () => {
  test('a block with a pending id but other content leaves the pending transaction pending', () => {
    const blockchain = robbed();
    expect(blockchain.pending).toEqual([toBob]);
    expect(blockchain.pendingTransaction('id:x1')).toEqual(toBob);
    // The chain holds only the thief's copy: to the caller, a conflict.
    expect(blockchain.includedTransaction({ ...toBob })).toEqual(toMallory);
  });

  test('the pending one is mined in the next block, and then the chain holds both, each found as itself', () => {
    const blockchain = robbed();
    const next = blockchain.forgeBlock(1, 1_800_000_001.5, 'honest', MAX_BLOCK_BYTES);
    expect(next.transactions).toContainEqual(toBob);
    blockchain.apply({ type: 'block', block: next });
    expect(blockchain.pending).toEqual([]);
    expect(payments(blockchain).filter((transaction) => transaction.id === 'x1')).toEqual([toMallory, toBob]);
    expect(blockchain.includedTransaction({ ...toBob })).toEqual(toBob);
    expect(blockchain.includedTransaction({ ...toMallory })).toEqual(toMallory);
    // A resend of either is known, and pooled again by no one.
    blockchain.apply({ type: 'transaction', transaction: { ...toBob } });
    blockchain.apply({ type: 'transaction', transaction: { ...toMallory } });
    expect(blockchain.pending).toEqual([]);
    // Under that id, other content still meets a copy: the caller's conflict.
    expect(blockchain.includedTransaction({ ...toBob, amount: 6 })?.id).toBe('x1');
  });

  test('a pending transaction is pooled, and stays pooled, while the chain holds its id with other content', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [{ ...toMallory }], 'thief') });
    blockchain.apply({ type: 'transaction', transaction: toBob });
    expect(blockchain.pending).toEqual([toBob]);
  });

  test('when the thief’s block is dropped, its copy does not push the pending one out of the pool', () => {
    const blockchain = robbed();
    const reorg = blockchain.apply({ type: 'chain', from: 2, blocks: [] });
    expect(reorg.returned).toEqual([]);
    expect(blockchain.pending).toEqual([toBob]);
  });

  test('a dropped block’s transaction goes back to the pool when the new chain holds its id only with other content', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'transaction', transaction: toBob });
    blockchain.apply({ type: 'block', block: blockchain.forgeBlock(1, 1_800_000_000.5, 'honest', MAX_BLOCK_BYTES) });
    const fork = new Blockchain();
    fork.apply({ type: 'block', block: blockOn(fork, [{ ...toMallory }], 'thief') });
    fork.apply({ type: 'block', block: blockOn(fork, [], 'thief') });
    const reorg = blockchain.apply({ type: 'chain', from: 2, blocks: fork.chain.slice(1) });
    expect(reorg.returned).toEqual([toBob]);
    expect(blockchain.pending).toEqual([toBob]);
  });

  test('a snapshot rebuilds it all: the thief’s copy in the chain, the acknowledged one pending', () => {
    const blockchain = robbed();
    const rebuilt = Blockchain.replay(blockchain.snapshot());
    expect(rebuilt.chain).toEqual(blockchain.chain);
    expect(rebuilt.pending).toEqual([toBob]);
    expect(rebuilt.includedTransaction({ ...toMallory })).toEqual(toMallory);
  });
});

describe('the reward sender', () => {
  const fakeReward: Transaction = { sender: '0', recipient: 'mallory', amount: 1_000_000, id: 'fake' };

  test('a dropped block\'s transactions from "0" are not pooled again, rewards or not', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [fakeReward, toBob], 'thief') });
    const reorg = blockchain.apply({ type: 'chain', from: 2, blocks: [] });
    expect(reorg.returned).toEqual([toBob]);
    expect(blockchain.pending).toEqual([toBob]);
  });

  test('a fake reward pooled before (an old log replayed) leaves the pool once mined, and is not mined forever', () => {
    const blockchain = new Blockchain();
    const idless = { sender: '0', recipient: 'mallory', amount: 1_000_000 };
    blockchain.apply({ type: 'transaction', transaction: idless });
    blockchain.apply({ type: 'block', block: blockchain.forgeBlock(1, 1_800_000_000.5, 'honest', MAX_BLOCK_BYTES) });
    expect(blockchain.pending).toEqual([]);
    expect(blockchain.forgeBlock(2, 1_800_000_001.5, 'honest', MAX_BLOCK_BYTES).transactions).toEqual([
      { sender: '0', recipient: 'honest', amount: 1 },
    ]);
  });
});
