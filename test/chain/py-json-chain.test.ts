// The chain fast path (py-json-chain.ts) against the general parser (py-json-parse.ts): for every
// text, parseJson with keepTexts gives the same value and keeps the same texts whichever reads it.
// A trailing space is legal JSON that the fast path's tail refuses, so `text + ' '` is the
// parser's reading of `text`. Each case names the check of py-json-chain.ts it guards.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { PyFloat, toJson, type JsonObject, type JsonValue, type ParseResult } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { knownCanonicalText, knownCompactText } from '../../src/chain/py-json-texts.ts';
import { unparsedCopy } from '../support/unparsed-copy.ts';
import { seededRandom, type Random } from '../support/random.ts';

const keep = { keepTexts: true };
const HASH = 'c0ffee'.padEnd(64, '0');

/** `{"chain":[...],"length":N}` around block texts. */
function body(blocks: string[]): string {
  return `{"chain":[${blocks.join(',')}],"length":${blocks.length}}`;
}

/** A block in the fast path's shape, with `fields` (raw JSON) in place of any of its own. */
function block(fields: Record<string, string> = {}): string {
  const all = { index: '2', previous_hash: `"${HASH}"`, proof: '35293', timestamp: '1796193054.4676757', transactions: '[]', ...fields };
  return `{${Object.entries(all)
    .map(([name, value]) => `"${name}":${value}`)
    .join(',')}}`;
}

/** The texts kept for each block of a parsed chain (compact, and canonical), or undefined if there is no chain. */
function keptTexts(result: ParseResult): (string | undefined)[][] | undefined {
  if (!result.ok) return undefined;
  const chain = (result.value as { chain?: JsonValue } | null)?.chain;
  if (!Array.isArray(chain)) return undefined;
  return chain.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || item instanceof PyFloat) return [];
    return [knownCompactText(item), knownCanonicalText(item)];
  });
}

/** Whether parseJson(text, keep) returned JSON.parse's own document: the fast path's answer. */
function tookFastPath(text: string): boolean {
  const spy = jest.spyOn(JSON, 'parse');
  try {
    const result = parseJson(text, keep);
    return result.ok && spy.mock.results.some((call) => call.value === result.value);
  } finally {
    spy.mockRestore();
  }
}

/** Asserts the fast path's reading of `text` is the parser's; returns it. */
function expectSameAsParser(text: string): ParseResult {
  const result = parseJson(text, keep);
  const parsed = parseJson(`${text} `, keep);
  expect(result).toStrictEqual(parsed);
  // toStrictEqual ignores the order of names; the writers and the texts kept do not.
  expect(JSON.stringify(result, order)).toBe(JSON.stringify(parsed, order));
  expect(keptTexts(result)).toStrictEqual(keptTexts(parsed));
  return result;
}

function order(_name: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  return value instanceof PyFloat ? { float: Object.is(value.value, -0) ? '-0' : value.value } : value;
}

function chainOf(result: ParseResult): JsonObject[] {
  if (!result.ok) throw new Error(result.reason);
  return (result.value as { chain: JsonObject[] }).chain;
}

describe('the chain fast path (py-json-chain.ts) reads as the parser does', () => {
  test('a real chain: fast, every block kept as toJson writes it, the genesis timestamp a PyFloat', () => {
    const blockchain = new Blockchain();
    blockchain.apply({ type: 'transaction', transaction: { sender: 'alice', recipient: 'bob', amount: 5, id: 'a1' } });
    blockchain.apply({ type: 'block', block: blockchain.forgeBlock(35293, 1796193054.4676757, 'miner', 1 << 20) });
    blockchain.apply({ type: 'block', block: blockchain.forgeBlock(1, 1796193060.5, 'miner', 1 << 20) });
    const text = toJson({ chain: [...blockchain.chain], length: blockchain.length });
    expect(tookFastPath(text)).toBe(true);
    const blocks = chainOf(expectSameAsParser(text));
    // Guards the timestamp read again by NumberReader: JSON.parse alone gives 1506988800, a number.
    expect(blocks[0]!.timestamp).toBeInstanceOf(PyFloat);
    expect(blocks[0]!.previous_hash).toBe(1);
    // Guards rememberText: each block's text is kept.
    for (const parsed of blocks) expect(knownCompactText(parsed)).toBe(toJson(unparsedCopy(parsed)));
  });

  // Guards the timestamp's reread and `canonical = numbers.canonical`: 1.50 read by JSON.parse is
  // 1.5 and looks canonical, 1506988800.0 a number; the parser keeps neither as it came.
  test.each([
    ['1506988800.0', true],
    ['1.50', false],
    ['0.00001', false],
    ['-0.0', true],
    ['1733212345.1234567', true],
    ['1733212345.12345670', false],
    ['0.0001', true],
  ])('a timestamp %s is read as the parser reads it (kept: %s)', (timestamp, kept) => {
    const text = body([block({ timestamp }), block()]);
    expect(tookFastPath(text)).toBe(true);
    const [first] = chainOf(expectSameAsParser(text));
    expect(knownCompactText(first!) !== undefined).toBe(kept);
  });

  test("a transaction's names out of order: same value, its block's text not kept (guards TRANSACTION's order)", () => {
    const text = body([block({ transactions: '[{"recipient":"b","amount":1,"sender":"a"}]' }), block()]);
    expect(tookFastPath(text)).toBe(false);
    const [first, second] = chainOf(expectSameAsParser(text));
    expect(knownCompactText(first!)).toBeUndefined();
    expect(knownCompactText(second!)).toBeDefined();
  });

  test("a name twice in a transaction: the last value, and no text kept (guards TRANSACTION's names, each once)", () => {
    const text = body([block({ transactions: '[{"amount":1,"amount":2,"recipient":"b","sender":"a"}]' })]);
    expect(tookFastPath(text)).toBe(false);
    const [first] = chainOf(expectSameAsParser(text));
    expect(first!.transactions).toStrictEqual([{ amount: 2, recipient: 'b', sender: 'a' }]);
    expect(knownCompactText(first!)).toBeUndefined();
  });

  // Each is refused by BLOCK's or TAIL's pattern (the piece named); were it let through, JSON.parse
  // would read it otherwise than the parser, or the text kept would differ.
  test.each([
    ['a float amount, integral (INT: JSON.parse gives 5, not PyFloat(5))', block({ transactions: '[{"amount":5.0}]' })],
    ['a float amount not as repr() writes it (INT: the text would be kept)', block({ transactions: '[{"amount":1.50}]' })],
    ['an integer past 2^53 (INT: 15 digits)', block({ proof: '9007199254740993' })],
    ['a bigint (INT)', block({ index: '12345678901234567890' })],
    ['-0 (INT: JSON.parse gives -0, Python 0)', block({ proof: '-0' })],
    ["a ',' in a string (STRING: canonical text would be spaced into it)", block({ transactions: '[{"amount":"x,y"}]' })],
    ["a ':' in a string (STRING)", block({ transactions: '[{"amount":"x:y"}]' })],
    ['an escape toJson does not write (STRING)', block({ transactions: '[{"amount":"\\u0041"}]' })],
    ['a non-ASCII character (STRING: toJson escapes it)', block({ transactions: '[{"amount":"é"}]' })],
    ['an extra block field (BLOCK)', block({ weight: '5.0' })],
    ['a name that is an index (TRANSACTION: JS puts "1" first)', block({ transactions: '[{"amount":1,"sender":"a","1":"x"}]' })],
    ["a name not among a transaction's (TRANSACTION)", block({ transactions: '[{"amount":1,"memo":"x"}]' })],
    ['a transaction without "amount" (TRANSACTION)', block({ transactions: '[{"recipient":"b","sender":"a"}]' })],
    ['a later name twice (TRANSACTION: each once)', block({ transactions: '[{"amount":1,"id":"a","id":"b"}]' })],
    ['whitespace between fields (BLOCK)', block({ proof: ' 1' })],
    ['NaN as a proof (INT: JSON.parse would throw)', block({ proof: 'NaN' })],
    ['Infinity as a proof (INT)', block({ proof: 'Infinity' })],
  ])('left to the parser: %s', (_what, text) => {
    const chain = body([block(), text]);
    expect(tookFastPath(chain)).toBe(false);
    expectSameAsParser(chain);
  });

  test.each([
    ['a trailing space (TAIL: $)', `${body([block()])} `],
    ['a leading space (HEAD)', ` ${body([block()])}`],
    ['a second "chain" after the blocks (TAIL; Array.isArray is defence only)', `{"chain":[${block()}],"chain":5}`],
    ['a string after the blocks (TAIL)', `{"chain":[${block()}],"from":"x"}`],
  ])('a body left to the parser: %s', (_what, text) => {
    expect(tookFastPath(text)).toBe(false);
    expectSameAsParser(text);
  });

  test.each([
    ['an empty chain', '{"chain":[],"length":0}'],
    ['a "from" after the chain', `{"chain":[${block()}],"from":1,"length":1}`],
    [
      'a signed transaction, every name a transaction may have',
      body([
        block({ transactions: `[{"amount":5,"id":"f1","nonce":3,"recipient":"${HASH}","sender":"${HASH}","signature":"${HASH}${HASH}"}]` }),
      ]),
    ],
  ])('a body the fast path reads: %s', (_what, text) => {
    expect(tookFastPath(text)).toBe(true);
    expectSameAsParser(text);
  });

  test('"__proto__" as a transaction name is a plain property, and pollutes nothing', () => {
    const text = body([block({ transactions: '[{"__proto__":{"polluted":1},"sender":"a"}]' })]);
    expect(tookFastPath(text)).toBe(false);
    const [tx] = chainOf(expectSameAsParser(text))[0]!.transactions as JsonObject[];
    expect(Object.getPrototypeOf(tx)).toBe(Object.prototype);
    expect(Object.keys(tx!)).toEqual(['__proto__', 'sender']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test("arrays nested past the parser's depth in a block: the parser's error, not JSON.parse's value", () => {
    const text = body([block({ transactions: `[${'['.repeat(600)}${']'.repeat(600)}]` })]);
    expect(tookFastPath(text)).toBe(false);
    const result = expectSameAsParser(text);
    expect(result.ok).toBe(false);
  });

  test('a string in every reward is one string: the chain costs about its objects, not a copy each', () => {
    const address = 'a2f1c9e04b7d4e63a8d5b6f70c1e2d3f'; // 32 characters, as the reference's node ids
    const tx = `{"amount":1,"id":"${address}","recipient":"${address}","sender":"${address}","signature":"${address}"}`;
    const text = body(Array.from({ length: 200 }, () => block({ transactions: `[${Array(100).fill(tx).join(',')}]` })));
    expect(tookFastPath(text)).toBe(true);
    const before = heapUsedAfterGc();
    const result = parseJson(text, keep);
    const kept = heapUsedAfterGc() - before;
    expect(chainOf(result)).toHaveLength(200);
    // Guards shareStrings: JSON.parse alone makes 4 copies of 48 bytes per transaction.
    expect(kept).toBeLessThan(200 * 100 * 120);
  });
});

// Jest runs without --expose-gc; the flag set now gives a new context its gc().
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');
const PADDING = 32 * 1024 * 1024;

function heapUsedAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Valid blocks, then whitespace in the array: BLOCK matches the blocks, fails there, and the parser reads it. */
function paddedBody(): string {
  const text = `{"chain":[${Array(2000).fill(block()).join(',')},${' '.repeat(PADDING)}${block()}],"length":2001}`;
  text.charCodeAt(0); // flat, as a body read from a socket is
  return text;
}

/** heapUsed freed once `text` and its value are dropped, after `read` ran on it. */
function freedAfter(read: (text: string) => unknown): number {
  let text: string | undefined = paddedBody();
  const before = heapUsedAfterGc();
  let value: unknown = read(text);
  // No expect() before the GC: a matcher that ran a RegExp would make the body's last subject go.
  if (value !== true) throw new Error('the read failed');
  text = undefined;
  value = undefined;
  return before - heapUsedAfterGc();
}

describe("the body is let go (FORGET: V8 keeps a RegExp's last subject)", () => {
  test('once the text and its value are dropped, the body is freed', () => {
    expect(freedAfter((text) => parseJson(text, keep).ok)).toBeGreaterThan(PADDING / 2);
  });

  test("and FORGET is what frees it: with its test('') skipped, the body stays", () => {
    const test = RegExp.prototype.test;
    RegExp.prototype.test = function (this: RegExp, subject: string) {
      return subject === '' || test.call(this, subject);
    };
    try {
      expect(freedAfter((text) => parseJson(text, keep).ok)).toBeLessThan(PADDING / 2);
    } finally {
      RegExp.prototype.test = test;
      /(?:)/.test('');
    }
  });

  test('control: a sticky RegExp run on the body keeps it alive, until a RegExp runs on another text', () => {
    const head = (text: string) => /\{"chain":/y.test(text);
    expect(freedAfter(head)).toBeLessThan(PADDING / 2);
    /(?:)/.test(''); // let go of the body the line above kept
    const forgetting = (text: string) => [head(text), /(?:)/.test('')][0];
    expect(freedAfter(forgetting)).toBeGreaterThan(PADDING / 2);
  });
});

describe('random chain bodies, in and out of the fast path', () => {
  const NAMES = ['amount', 'id', 'nonce', 'recipient', 'sender', 'signature', 'Z'];
  const STRINGS = ['', 'a', 'bob', HASH.slice(0, 40), 'x,y', 'p:q', '\\n', '\\u00e9', 'é'];
  const INTS = ['0', '1', '-1', '7', '-35', '999999999999999', '1000000000000000', '-0'];
  const TIMESTAMPS = ['1506988800.0', '1796193054.4676757', '0.5', '1.50', '-0.0', '0.00001', '1733212345.1234567', '1e9'];
  const pick = <T>(random: Random, items: T[]): T => items[Math.floor(random() * items.length)]!;

  function randomTransaction(random: Random): string {
    // Mostly a transaction's names, which the fast path takes when "amount" is among them.
    const names = NAMES.filter((name) => random() < (name === 'amount' ? 0.9 : name === 'Z' ? 0.05 : 0.5));
    if (names.length === 0) names.push('amount');
    if (random() < 0.15) names.reverse();
    if (random() < 0.05) names.push(names[0]!);
    const value = () =>
      random() < 0.5
        ? `"${pick(random, random() < 0.85 ? STRINGS.slice(0, 4) : STRINGS)}"`
        : pick(random, random() < 0.8 ? INTS.slice(0, 5) : INTS);
    return `{${names.map((name) => `"${name}":${value()}`).join(',')}}`;
  }

  function randomBlock(random: Random): string {
    const transactions = Array.from({ length: Math.floor(random() * 4) }, () => randomTransaction(random));
    return block({
      index: pick(random, INTS.slice(1, 4)),
      previous_hash: random() < 0.8 ? `"${HASH}"` : pick(random, INTS),
      proof: pick(random, random() < 0.9 ? INTS.slice(0, 6) : INTS),
      timestamp: pick(random, random() < 0.7 ? TIMESTAMPS.slice(0, 3) : TIMESTAMPS),
      transactions: `[${transactions.join(',')}]`,
    });
  }

  test('each reads as the parser reads it, and a good share take the fast path', () => {
    const random = seededRandom(7);
    let fast = 0;
    const total = 400;
    for (let i = 0; i < total; i++) {
      const text = body(Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomBlock(random)));
      if (tookFastPath(text)) fast++;
      expectSameAsParser(text);
    }
    expect(fast).toBeGreaterThan(total / 5); // the generator is not all refused
    expect(fast).toBeLessThan(total); // nor all taken
  });
});
