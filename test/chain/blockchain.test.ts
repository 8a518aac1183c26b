import { GENESIS_TIMESTAMP } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { longestChain } from '../../src/chain/consensus.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { PyFloat, toJson } from '../../src/chain/py-json.ts';
import { buildChain } from '../support/chains.ts';

describe('Blockchain', () => {
  test('starts from the same genesis block on every node: index 1, previous_hash 1, proof 100', () => {
    const [genesis] = new Blockchain().chain;
    expect(genesis).toEqual({ index: 1, timestamp: new PyFloat(GENESIS_TIMESTAMP), transactions: [], proof: 100, previous_hash: 1 });
    expect(toJson(genesis!)).toBe(`{"index":1,"timestamp":${GENESIS_TIMESTAMP}.0,"transactions":[],"proof":100,"previous_hash":1}`);
    expect(hashBlock(genesis!)).toBe(hashBlock(new Blockchain().chain[0]!));
  });

  test('forges a block like new_block: pending transactions, then the reward, linked to the tip', () => {
    const blockchain = new Blockchain();
    expect(blockchain.addTransaction({ sender: 'a', recipient: 'b', amount: 5 })).toBe(2);
    const block = blockchain.forgeBlock(35293, 1_800_000_000.5, 'miner-1');
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
    const block = new Blockchain().forgeBlock(35293, 1_800_000_000, 'm');
    expect(toJson(block)).toContain('"timestamp":1800000000.0');
  });
});

describe('longestChain', () => {
  const short = buildChain(2);
  const long = buildChain(3);
  const otherLong = buildChain(3, { miner: 'someone-else' });

  test('takes the longest chain that is longer than ours', () => {
    expect(longestChain(1, [{ peer: 'a', chain: short }, { peer: 'b', chain: long }])?.peer).toBe('b');
  });

  test('keeps ours when nothing is strictly longer', () => {
    expect(longestChain(3, [{ peer: 'a', chain: long }])).toBeUndefined();
  });

  test('breaks ties in favour of the peer registered first', () => {
    expect(longestChain(1, [{ peer: 'first', chain: long }, { peer: 'second', chain: otherLong }])?.peer).toBe('first');
    expect(longestChain(1, [{ peer: 'second', chain: otherLong }, { peer: 'first', chain: long }])?.peer).toBe('second');
  });
});
