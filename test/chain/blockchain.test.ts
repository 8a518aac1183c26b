import { GENESIS_TIMESTAMP } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { forkPoint, preferenceOrder } from '../../src/chain/consensus.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { PyFloat, toJson } from '../../src/chain/py-json.ts';
import { blockOn, buildChain, copyChain, MAX_BLOCK_BYTES } from '../support/chains.ts';
import type { Block, Transaction } from '../../src/chain/block.ts';
import type { ChainChange } from '../../src/chain/blockchain.ts';

describe('Blockchain', () => {
  test('starts from the same genesis block on every node: index 1, previous_hash 1, proof 100', () => {
    const [genesis] = new Blockchain().chain;
    expect(genesis).toEqual({ index: 1, timestamp: new PyFloat(GENESIS_TIMESTAMP), transactions: [], proof: 100, previous_hash: 1 });
    expect(toJson(genesis!)).toBe(`{"index":1,"previous_hash":1,"proof":100,"timestamp":${GENESIS_TIMESTAMP}.0,"transactions":[]}`);
    expect(hashBlock(genesis!)).toBe(hashBlock(new Blockchain().chain[0]!));
  });

  test('forges a block like new_block: pending transactions, then the reward, linked to the tip', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'transaction', transaction: { sender: 'a', recipient: 'b', amount: 5 } });
    const block = blockchain.forgeBlock(35293, 1_800_000_000.5, 'miner-1', MAX_BLOCK_BYTES);
    blockchain.apply({ type: 'block', block });
    expect(block).toEqual({
      index: 2,
      timestamp: 1_800_000_000.5,
      transactions: [
        { sender: 'a', recipient: 'b', amount: 5 },
        { sender: '0', recipient: 'miner-1', amount: 1 },
      ],
      proof: 35293,
      previous_hash: hashBlock(blockchain.chain[0]!),
    });
    expect(blockchain.pending).toEqual([]);
    expect(blockchain.lastBlock).toBe(block);
  });

  test('a whole-second timestamp is still written as a float, as time() gives', () => {
    const block = new Blockchain().forgeBlock(35293, 1_800_000_000, 'm', MAX_BLOCK_BYTES);
    expect(toJson(block)).toContain('"timestamp":1800000000.0');
  });
});

describe('preferenceOrder', () => {
  const short = buildChain(2);
  const long = buildChain(3);
  const otherLong = buildChain(3, { miner: 'someone-else' });
  const candidate = (peer: string, chain: readonly Block[]) => ({ peer, length: chain.length });

  test('takes the longest chain that is longer than ours', () => {
    expect(preferenceOrder(1, [candidate('a', short), candidate('b', long)])[0]?.peer).toBe('b');
  });

  test('keeps ours when nothing is strictly longer', () => {
    expect(preferenceOrder(3, [candidate('a', long)])[0]).toBeUndefined();
  });

  test('breaks ties in favour of the peer registered first', () => {
    expect(preferenceOrder(1, [candidate('first', long), candidate('second', otherLong)])[0]?.peer).toBe('first');
    expect(preferenceOrder(1, [candidate('second', otherLong), candidate('first', long)])[0]?.peer).toBe('second');
  });
});

describe('Blockchain.apply', () => {
  const pay = (id: string, amount = 1): Transaction => ({ sender: 'alice', recipient: 'bob', amount, id });

  test('pools a transaction once: a copy with the same id is not pooled again', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'transaction', transaction: pay('t1') });
    blockchain.apply({ type: 'transaction', transaction: pay('t1') });
    expect(blockchain.pending).toEqual([pay('t1')]);
    expect(blockchain.pendingTransaction('id:t1')).toEqual(pay('t1'));
  });

  test('a block takes its transactions out of the pool, and they are never pooled again', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'transaction', transaction: pay('t1') });
    blockchain.apply({ type: 'transaction', transaction: pay('t2') });
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [pay('t1')]) });
    expect(blockchain.pending).toEqual([pay('t2')]);
    expect(blockchain.includedTransaction(pay('t1'))).toEqual(pay('t1'));
    blockchain.apply({ type: 'transaction', transaction: pay('t1') });
    expect(blockchain.pending).toEqual([pay('t2')]);
  });

  test("a reorg returns the dropped blocks' transactions to the pool, rewards aside, unless the new blocks hold them", () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [pay('a'), pay('b')]) });
    blockchain.apply({ type: 'transaction', transaction: pay('c') });
    blockchain.apply({ type: 'transaction', transaction: pay('d') });

    // Another chain, from block 2 on: it holds b and d, but not a or c.
    const fork = new Blockchain();
    fork.apply({ type: 'block', block: blockOn(fork, [pay('b')], 'other') });
    fork.apply({ type: 'block', block: blockOn(fork, [pay('d')], 'other') });
    const reorg = blockchain.apply({ type: 'chain', from: 2, blocks: fork.chain.slice(1) });

    expect(reorg.dropped).toHaveLength(1);
    expect(reorg.returned).toEqual([pay('a')]);
    expect(blockchain.pending).toEqual([pay('a'), pay('c')]);
    expect(blockchain.chain.slice(1)).toEqual(fork.chain.slice(1));
    expect(blockchain.includedTransaction(pay('a'))).toBeUndefined();
    expect(blockchain.includedTransaction(pay('d'))).toEqual(pay('d'));
  });

  test('transactions without an id (from reference nodes) are recognised by their content', () => {
    const blockchain = new Blockchain();
    const plain = { sender: 'x', recipient: 'y', amount: 2 };
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [plain]) });
    const empty = new Blockchain();
    empty.apply({ type: 'block', block: blockOn(empty, [], 'other') });
    empty.apply({ type: 'block', block: blockOn(empty, [], 'other') });
    const reorg = blockchain.apply({ type: 'chain', from: 2, blocks: empty.chain.slice(1) });
    expect(reorg.returned).toEqual([plain]);
    blockchain.apply({ type: 'transaction', transaction: { ...plain } });
    expect(blockchain.pending).toEqual([plain]);
  });

  test('replaying the changes rebuilds the same state, and so does replaying its snapshot', () => {
    const changes: ChainChange[] = [];
    const blockchain = new Blockchain();
    const apply = (change: ChainChange) => {
      changes.push(change);
      blockchain.apply(change);
    };
    apply({ type: 'transaction', transaction: pay('a') });
    apply({ type: 'block', block: blockOn(blockchain, [pay('a')]) });
    apply({ type: 'transaction', transaction: pay('b', 5.5) });
    apply({ type: 'chain', from: 1, blocks: copyChain(buildChain(3)) });
    apply({ type: 'transaction', transaction: pay('c') });

    for (const rebuilt of [Blockchain.replay(changes), Blockchain.replay(blockchain.snapshot())]) {
      expect(rebuilt.chain).toEqual(blockchain.chain);
      expect(rebuilt.pending).toEqual(blockchain.pending);
      expect(rebuilt.pendingBytes).toBe(blockchain.pendingBytes);
    }
    expect(blockchain.pending.map((transaction) => transaction.id)).toEqual(['a', 'b', 'c']);
  });

  test('a snapshot is one record per block, so a damaged record in a log costs one block, not the chain', () => {
    const blockchain = new Blockchain(copyChain(buildChain(4)));
    blockchain.apply({ type: 'transaction', transaction: pay('p') });
    const snapshot = blockchain.snapshot();
    expect(snapshot.map((change) => change.type)).toEqual(['chain', 'block', 'block', 'block', 'transaction']);
    expect(snapshot[0]).toEqual({ type: 'chain', from: 1, blocks: [blockchain.chain[0]] });
    expect(snapshot.slice(1, 4)).toEqual(blockchain.chain.slice(1).map((block) => ({ type: 'block', block })));
    const rebuilt = Blockchain.replay(snapshot);
    expect(rebuilt.chain).toEqual(blockchain.chain);
    expect(rebuilt.pendingTransaction('id:p')).toEqual(pay('p'));
    expect(rebuilt.includedTransaction({ sender: 'alice', recipient: 'bob', amount: 2 })).toEqual({
      sender: 'alice',
      recipient: 'bob',
      amount: 2,
    });
  });

  test("a snapshot rebuilds a reference node's chain, whose genesis has a timestamp of its own", () => {
    const chain = copyChain(buildChain(3));
    chain[0] = { ...chain[0]!, timestamp: 1_795_493_718.5428212 };
    const blockchain = new Blockchain(chain);
    expect(Blockchain.replay(blockchain.snapshot()).chain).toEqual(chain);
  });
});

describe('forkPoint', () => {
  const ours = buildChain(4);

  test('is just past our tip when theirs extends ours, even as copies of our blocks', () => {
    const theirs = copyChain(buildChain(5));
    expect(forkPoint(ours, theirs)).toBe(5);
  });

  test('is the first block that differs', () => {
    const theirs = [...ours.slice(0, 2), ...buildChain(4, { miner: 'other' }).slice(2)];
    expect(forkPoint(ours, theirs)).toBe(3);
  });

  test('is 1 for a chain with another genesis block', () => {
    const theirs = copyChain(ours);
    theirs[0] = { ...theirs[0]!, timestamp: 1 };
    expect(forkPoint(ours, theirs)).toBe(1);
  });
});
