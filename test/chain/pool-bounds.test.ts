// The pending pool and the blocks made from it, bounded: a forged block stays within
// maxBlockBytes, the pool's size is kept as it changes, and looking for a transaction without an
// id costs the same in a chain of 20,000 of them as in an empty one.
import { transactionBytes, type Transaction } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import * as pyJson from '../../src/chain/py-json.ts';
import { blockOn, MAX_BLOCK_BYTES } from '../support/chains.ts';

const { canonicalJson } = pyJson;
const pay = (id: string, recipient = 'bob'): Transaction => ({ sender: 'alice', recipient, amount: 1, id });
const poolOf = (transactions: Transaction[]): Blockchain => {
  const blockchain = new Blockchain();
  for (const transaction of transactions) blockchain.apply({ type: 'transaction', transaction });
  return blockchain;
};
const forge = (blockchain: Blockchain, maxBlockBytes: number) => blockchain.forgeBlock(35293, 1_800_000_000.5, 'miner-1', maxBlockBytes);
const paymentsIn = (block: { transactions: Transaction[] }) => block.transactions.slice(0, -1);

describe('forgeBlock within maxBlockBytes', () => {
  test('holds the oldest pending transactions that fit, exactly to the bound; the rest wait for the next blocks', () => {
    // Non-ASCII text, so the bound is met as the text is written: é as \u00e9.
    const transactions = Array.from({ length: 40 }, (_, i) => pay(`t${i}`, `${'é'.repeat(i * 7)}${'x'.repeat(300)}`));
    const blockchain = poolOf(transactions);
    const maxBlockBytes = 4_000;
    const mined: Transaction[] = [];
    while (blockchain.pending.length > 0) {
      const next = forge(blockchain, maxBlockBytes);
      const taken = paymentsIn(next);
      expect(canonicalJson(next).length).toBeLessThanOrEqual(maxBlockBytes);
      expect(taken).toEqual(blockchain.pending.slice(0, taken.length));
      expect(next.transactions.at(-1)).toEqual({ sender: '0', recipient: 'miner-1', amount: 1 });
      // Exact: one more pending transaction would have taken the block past the bound.
      const left = blockchain.pending[taken.length];
      if (left !== undefined) {
        const fuller = { ...next, transactions: [...taken, left, next.transactions.at(-1)!] };
        expect(canonicalJson(fuller).length).toBeGreaterThan(maxBlockBytes);
      }
      blockchain.apply({ type: 'block', block: next });
      mined.push(...taken);
    }
    expect(mined).toEqual(transactions);
  });

  test('always holds the reward, even when no pending transaction fits', () => {
    const blockchain = poolOf([pay('big', 'x'.repeat(5_000))]);
    expect(forge(blockchain, 1_000).transactions).toEqual([{ sender: '0', recipient: 'miner-1', amount: 1 }]);
  });

  test('a transaction too large for any block holds up none of the others', () => {
    const blockchain = poolOf([pay('a'), pay('huge', 'x'.repeat(5_000)), pay('b')]);
    const next = forge(blockchain, 1_000);
    expect(paymentsIn(next)).toEqual([pay('a'), pay('b')]);
    blockchain.apply({ type: 'block', block: next });
    expect(blockchain.pending).toEqual([pay('huge', 'x'.repeat(5_000))]);
  });

  test('one that fits only an emptier block ends this one, and starts the next', () => {
    const empty = canonicalJson(forge(new Blockchain(), MAX_BLOCK_BYTES)).length;
    const large = pay('large', 'x'.repeat(600));
    const maxBlockBytes = empty + canonicalJson(large).length + 2;
    const blockchain = poolOf([pay('a'), large, pay('b')]);
    const first = forge(blockchain, maxBlockBytes);
    expect(paymentsIn(first)).toEqual([pay('a')]);
    blockchain.apply({ type: 'block', block: first });
    expect(paymentsIn(forge(blockchain, maxBlockBytes))).toEqual([large]);
  });
});

describe('pendingBytes', () => {
  const sum = (blockchain: Blockchain) => blockchain.pending.reduce((total, transaction) => total + transactionBytes(transaction), 0);

  test('is the sum of transactionBytes over the pool, as transactions come, are mined and come back', () => {
    const blockchain = poolOf([pay('a', 'Zoë'), pay('b'), pay('a', 'Zoë'), { sender: 'ref', recipient: 'node', amount: 2.5 }]);
    expect(blockchain.pendingBytes).toBe(sum(blockchain));
    expect(blockchain.pendingBytes).toBe(
      [pay('a', 'Zoë'), pay('b'), { sender: 'ref', recipient: 'node', amount: 2.5 }].reduce((n, t) => n + pyJson.toJson(t).length, 0),
    );
    const mined = blockOn(blockchain, [pay('a', 'Zoë')]);
    blockchain.apply({ type: 'block', block: mined });
    expect(blockchain.pendingBytes).toBe(sum(blockchain));
    blockchain.apply({ type: 'chain', from: 2, blocks: [] }); // the reorg returns pay('a') to the pool
    expect(blockchain.pending).toContainEqual(pay('a', 'Zoë'));
    expect(blockchain.pendingBytes).toBe(sum(blockchain));
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [...blockchain.pending]) });
    expect(blockchain.pendingBytes).toBe(0);
  });
});

describe('transactions without an id', () => {
  const payments = Array.from({ length: 20_000 }, (_, i): Transaction => ({ sender: 'reference-node', recipient: `r${i}`, amount: i }));
  const others = Array.from({ length: 1_000 }, (_, i): Transaction => ({ sender: 'reference-node', recipient: `new${i}`, amount: i }));
  afterEach(() => jest.restoreAllMocks());

  test("after a 20,000-transaction block, 1,000 lookups write only the transactions looked for, not the chain's", () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'block', block: blockOn(blockchain, payments) });
    expect(blockchain.includedTransaction({ ...payments[19_999]! })).toEqual(payments[19_999]); // the index is built once
    // Counted on a few first: a scan of the chain would write 20,000 payments per lookup.
    const written = jest.spyOn(pyJson, 'canonicalJson');
    for (const transaction of others.slice(0, 10)) expect(blockchain.includedTransaction(transaction)).toBeUndefined();
    expect(written).toHaveBeenCalledTimes(10);
    written.mockRestore();
    const started = performance.now();
    expect(others.filter((transaction) => blockchain.includedTransaction(transaction) !== undefined)).toEqual([]);
    for (const transaction of others) blockchain.apply({ type: 'transaction', transaction });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(blockchain.pending).toHaveLength(others.length);
  });

  test('are found as blocks come and go: the index follows a reorg', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'block', block: blockOn(blockchain, payments.slice(0, 100)) });
    expect(blockchain.includedTransaction({ ...payments[5]! })).toEqual(payments[5]);
    const reorg = blockchain.apply({ type: 'chain', from: 2, blocks: [] });
    expect(reorg.returned).toEqual(payments.slice(0, 100));
    expect(blockchain.includedTransaction({ ...payments[5]! })).toBeUndefined();
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [payments[5]!, payments[6]!]) });
    expect(blockchain.includedTransaction({ ...payments[5]! })).toEqual(payments[5]);
    expect(blockchain.pending).toHaveLength(98);
    // Two blocks hold payments[6] now: dropping one leaves it found in the other.
    blockchain.apply({ type: 'block', block: blockOn(blockchain, [payments[6]!]) });
    blockchain.apply({ type: 'chain', from: 3, blocks: [] });
    expect(blockchain.includedTransaction({ ...payments[6]! })).toEqual(payments[6]);
  });
});
