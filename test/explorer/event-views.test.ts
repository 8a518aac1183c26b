// What the explorer's events say of blocks and the pool stays small whatever they hold
// (src/explorer/event-views.ts): each view is measured as toJson writes it.
import { hashBlock } from '../../src/chain/hash.ts';
import type { Block, Transaction } from '../../src/chain/block.ts';
import { toJson, type JsonValue } from '../../src/chain/py-json.ts';
import {
  blockView,
  CUT_BLOCK_TRANSACTIONS,
  eventBudget,
  PENDING_SHOWN,
  pendingView,
  tailView,
  transactionView,
  windowView,
} from '../../src/explorer/event-views.ts';

const tx = (i: number, memo = ''): Transaction => ({ sender: `s${i}${memo}`, recipient: 'r', amount: i, id: `t${i}` });
const block = (index: number, transactions: JsonValue[]): Block => ({
  index,
  timestamp: 1_700_000_000,
  transactions,
  proof: 35293,
  previous_hash: 'a'.repeat(64),
});
const size = (value: JsonValue) => toJson(value).length;
const budget = eventBudget(1_048_576);

describe('transactionView', () => {
  test('a transaction of ordinary size is shown as it is', () => {
    expect(transactionView(tx(1))).toEqual(tx(1));
    expect(transactionView(null)).toBeNull();
  });

  test("a large one keeps only the reference's fields and its id, each cut, saying how much was left out", () => {
    const huge = { ...tx(1, '\u00e9'.repeat(900_000)), memo: 'x'.repeat(10_000) };
    const view = transactionView(huge) as Record<string, JsonValue>;
    expect(Object.keys(view)).toEqual(['sender', 'recipient', 'amount', 'id']);
    expect(view.sender).toMatch(/^s1\u00e9+\u2026 \(899802 more characters\)$/);
    expect({ recipient: view.recipient, amount: view.amount, id: view.id }).toEqual({ recipient: 'r', amount: 1, id: 't1' });
    expect(size(view)).toBeLessThan(2_000);
    // Whatever a peer's block holds in place of a transaction.
    expect(transactionView('z'.repeat(50_000))).toMatch(/^z{200}\u2026 \(49800 more characters\)$/);
    expect(transactionView({ sender: [...Array(5_000).keys()], recipient: { deep: 'y'.repeat(5_000) }, amount: 1 })).toEqual({
      sender: '(a list of 5000 items, cut)',
      recipient: '(an object of 1 fields, cut)',
      amount: 1,
    });
  });
});

describe('pendingView', () => {
  test(`lists at most ${PENDING_SHOWN}, with how many are pending`, () => {
    const pool = Array.from({ length: 100_000 }, (_, i) => tx(i));
    const view = pendingView(pool, budget.pendingBytes);
    expect(view.pending).toEqual(pool.slice(0, PENDING_SHOWN));
    expect(view.pending_count).toBe(100_000);
  });

  test('lists no more than fit in its bytes, however large each transaction is', () => {
    const pool = Array.from({ length: 300 }, (_, i) => tx(i, '\u00e9'.repeat(900_000)));
    const { pending, pending_count } = pendingView(pool, 4_096);
    expect(pending_count).toBe(300);
    expect(pending.length).toBeGreaterThan(0);
    expect(size(pending)).toBeLessThanOrEqual(4_096);
    expect(size(pendingView(pool, budget.pendingBytes).pending)).toBeLessThanOrEqual(budget.pendingBytes);
  });
});

describe('blockView', () => {
  test('a block of ordinary size comes whole, with its hash beside it', () => {
    const small = block(2, [tx(1), tx(2)]);
    expect(blockView(small, budget.wholeBlockBytes)).toEqual({ hash: hashBlock(small), block: small });
  });

  test('a large block comes as a summary: its fields, its first transactions, its size and count, flagged as cut', () => {
    const transactions = Array.from({ length: 2_000 }, (_, i) => tx(i, 'm'.repeat(3_000)));
    const large = block(7, transactions);
    const view = blockView(large, budget.wholeBlockBytes);
    expect(view).toEqual({
      hash: hashBlock(large),
      block: { index: 7, timestamp: 1_700_000_000, proof: 35293, previous_hash: 'a'.repeat(64), transactions: expect.any(Array) },
      cut: true,
      bytes: expect.any(Number),
      transaction_count: 2_000,
    });
    expect(view.bytes).toBeGreaterThan(6_000_000);
    expect((view.block as { transactions: unknown[] }).transactions).toHaveLength(CUT_BLOCK_TRANSACTIONS);
    expect(size(view)).toBeLessThan(20_000);
  });

  test("a peer's block with outsized fields is cut too", () => {
    const odd: Block = { proof: '9'.repeat(100_000), previous_hash: 'p'.repeat(100_000), transactions: 'not a list' };
    const view = blockView(odd, budget.wholeBlockBytes);
    expect(view).toMatchObject({ cut: true, transaction_count: 0, block: { transactions: [] } });
    expect(size(view)).toBeLessThan(1_000);
  });
});

describe('tailView', () => {
  test('the newest 100 blocks of a long chain, oldest first', () => {
    const chain = Array.from({ length: 500 }, (_, i) => block(i + 1, [tx(i)]));
    expect(tailView(chain, budget).map((view) => (view.block as Block).index)).toEqual(Array.from({ length: 100 }, (_, i) => 401 + i));
  });

  test('no more blocks than fit in its bytes: the newest, always', () => {
    // Each just under the size sent whole: a few fill the budget.
    const fat = (index: number) => block(index, [tx(index, 'f'.repeat(budget.wholeBlockBytes - 400))]);
    const chain = Array.from({ length: 100 }, (_, i) => fat(i + 1));
    const views = tailView(chain, budget);
    expect(views.every((view) => view.cut === undefined)).toBe(true);
    expect(views.length).toBeLessThan(10);
    expect(views.at(-1)!.hash).toBe(hashBlock(chain.at(-1)!));
    expect(size(views)).toBeLessThanOrEqual(budget.tailBytes);
    // With the smallest buffer, the same blocks are summaries, and as many as fit are listed.
    const tiny = eventBudget(65_536);
    const summaries = tailView(chain, tiny);
    expect(summaries.every((view) => view.cut === true)).toBe(true);
    expect(size(summaries)).toBeLessThanOrEqual(tiny.tailBytes);
  });
});

describe('windowView', () => {
  const chain = Array.from({ length: 500 }, (_, i) => block(i + 1, [tx(i)]));
  const indexes = (views: JsonValue[]) => views.map((view) => (view as { block: Block }).block.index);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  test('100 blocks down to `to`, or up from `from`, oldest first; only as far as the chain goes', () => {
    expect(indexes(windowView(chain, { to: 250 }, budget))).toEqual(range(151, 250));
    expect(indexes(windowView(chain, { to: 7 }, budget))).toEqual(range(1, 7));
    expect(indexes(windowView(chain, { to: 9_999 }, budget))).toEqual(range(401, 500));
    expect(indexes(windowView(chain, { from: 250 }, budget))).toEqual(range(250, 349));
    expect(indexes(windowView(chain, { from: 450 }, budget))).toEqual(range(450, 500));
    expect(windowView(chain, { from: 501 }, budget)).toEqual([]);
  });

  test('no more blocks than fit in its bytes: the anchor, always', () => {
    const fat = (index: number) => block(index, [tx(index, 'f'.repeat(budget.wholeBlockBytes - 400))]);
    const fats = Array.from({ length: 100 }, (_, i) => fat(i + 1));
    const down = windowView(fats, { to: 50 }, budget);
    const up = windowView(fats, { from: 50 }, budget);
    expect([down.length < 10, up.length < 10]).toEqual([true, true]);
    expect([down.at(-1)!.hash, up[0]!.hash]).toEqual([hashBlock(fats[49]!), hashBlock(fats[49]!)]);
    expect([size(down), size(up)].every((bytes) => bytes <= budget.tailBytes)).toBe(true);
  });
});
