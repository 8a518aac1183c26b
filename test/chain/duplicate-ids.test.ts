// Many copies under one id. A peer's blocks may each carry a transaction under an id that others
// carry too (the stolen-id defence needs that to stay valid), so a lookup by id must not write the
// JSON of every copy: with thousands under "x", each POST or gossiped transaction with id "x" would
// block the event loop. And one block may not carry an id twice: no node mines such a block, and
// it would let a single block file 100,000 copies under one id.
import type { Block, Transaction } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { ChainTransactions } from '../../src/chain/chain-transactions.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import * as pyJson from '../../src/chain/py-json.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { validChain } from '../../src/chain/validate.ts';
import { blockOn, buildChain, copyChain, MAX_BLOCK_BYTES } from '../support/chains.ts';

const copyOfX = (amount: number): Transaction => ({ sender: 'peer', recipient: 'sink', amount, id: 'x' });

describe('a chain with thousands of copies under one id', () => {
  afterEach(() => jest.restoreAllMocks());

  function crowded(blocks: number): Blockchain {
    const blockchain = new Blockchain();
    for (let i = 0; i < blocks; i++) blockchain.apply({ type: 'block', block: blockOn(blockchain, [copyOfX(i)]) });
    return blockchain;
  }

  test('1,000 lookups of id "x" with fresh content write the JSON of what is looked for, not of every copy', () => {
    const blockchain = crowded(2_000);
    const written = jest.spyOn(pyJson, 'canonicalJson');
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) {
      // Not held: to the caller, a conflict with a copy under its id.
      expect(blockchain.includedTransaction(copyOfX(10_000 + i))?.id).toBe('x');
    }
    // Each copy held is still found as itself.
    expect(blockchain.includedTransaction(copyOfX(1_234))).toEqual(copyOfX(1_234));
    // A scan would write 2,000 copies per lookup: 2 million in all.
    expect(written.mock.calls.length).toBeLessThanOrEqual(2 * 1_001);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test('a transaction under "x" with fresh content is pooled, one held is not, each costing one JSON', () => {
    const blockchain = crowded(2_000);
    const written = jest.spyOn(pyJson, 'canonicalJson');
    blockchain.apply({ type: 'transaction', transaction: copyOfX(7) });
    expect(blockchain.pending).toEqual([]);
    blockchain.apply({ type: 'transaction', transaction: copyOfX(99_999) });
    expect(blockchain.pending).toEqual([copyOfX(99_999)]);
    expect(written.mock.calls.length).toBeLessThanOrEqual(10);
  });
});

describe('copies under one id follow blocks as they come and go', () => {
  const block = (...transactions: Transaction[]): Block => ({ index: 2, timestamp: 1, transactions, proof: 1, previous_hash: 'h' });
  const [a, b] = [copyOfX(1), copyOfX(2)];
  const blocks = [block({ ...a }), block({ ...a }), block({ ...b })];
  const index = new ChainTransactions(() => blocks);
  for (const each of blocks) index.add(each);

  test('every copy is found as itself, other content as a conflict', () => {
    expect(index.holds(a) && index.holds(b)).toBe(true);
    expect(index.find(b)).toEqual(b);
    expect(index.find(copyOfX(3))?.id).toBe('x');
    expect(index.holds(copyOfX(3))).toBe(false);
  });

  test('removing blocks counts out exactly their copies, down to none', () => {
    index.remove(blocks[2]!);
    expect(index.holds(b)).toBe(false);
    expect(index.find(b)).toEqual(a);
    index.remove(blocks[1]!);
    // Two blocks held the same copy: one left still holds it.
    expect(index.holds(a)).toBe(true);
    index.remove(blocks[0]!);
    expect(index.holds(a)).toBe(false);
    expect(index.find(a)).toBeUndefined();
    index.add(blocks[2]!);
    expect(index.find(a)).toEqual(b);
    expect(index.holds(b)).toBe(true);
  });
});

describe('a block holding one id twice', () => {
  const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES };
  const honest = buildChain(4);

  /** The honest chain edited by `edit`, relinked (the notebook's proofs do not cover blocks). */
  function carrying(edit: (blocks: Block[]) => void): Block[] {
    const blocks = copyChain(honest);
    edit(blocks);
    for (let i = 1; i < blocks.length; i++) blocks[i]!.previous_hash = hashBlock(blocks[i - 1]!);
    return blocks;
  }
  const reasonOf = (chain: Block[]) => {
    const verdict = validChain(chain, RULES);
    return verdict.ok ? 'ok' : verdict.reason;
  };
  const put = (blocks: Block[], position: number, ...transactions: Transaction[]) =>
    (blocks[position - 1]!.transactions as Transaction[]).unshift(...transactions);

  test('is refused, the id clipped', () => {
    expect(reasonOf(carrying((blocks) => put(blocks, 3, copyOfX(1), copyOfX(2))))).toBe('block 3 holds id "x" twice');
    expect(reasonOf(carrying((blocks) => put(blocks, 3, copyOfX(1), copyOfX(1))))).toBe('block 3 holds id "x" twice');
    const long = { ...copyOfX(1), id: 'y'.repeat(64) };
    expect(reasonOf(carrying((blocks) => put(blocks, 2, long, { ...long, amount: 2 })))).toBe(
      `block 2 holds id "${'y'.repeat(40)}"... (64 characters) twice`,
    );
  });

  test('while several blocks holding one id, or one block holding several ids, are valid', () => {
    expect(reasonOf(carrying((blocks) => (put(blocks, 2, copyOfX(1)), put(blocks, 3, copyOfX(2)), put(blocks, 4, copyOfX(1)))))).toBe('ok');
    expect(
      reasonOf(
        carrying((blocks) => put(blocks, 3, copyOfX(1), { ...copyOfX(1), id: 'z' }, { sender: 'ref', recipient: 'node', amount: 1 })),
      ),
    ).toBe('ok');
  });
});
