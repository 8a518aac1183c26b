import { transactionBytes, type Transaction } from '../../src/chain/block.ts';
import { cachedHash, measureBlock } from '../../src/chain/block-hash-cache.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { jsonLength, jsonLengths } from '../../src/chain/json-length.ts';
import { canonicalJson, PyFloat, toJson, type JsonValue } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { seededRandom, type Random } from '../support/random.ts';
import { vectors } from '../support/vectors.ts';

const SCALARS: JsonValue[] = [
  null,
  true,
  false,
  0,
  -0,
  7,
  -123456,
  Number.MAX_SAFE_INTEGER,
  2 ** 60,
  1e21,
  -(2 ** 70),
  0.1,
  -2.5e-7,
  1795493718.5428212,
  1e-5,
  5e-324,
  1.7976931348623157e308,
  NaN,
  Infinity,
  -Infinity,
  new PyFloat(5),
  new PyFloat(-0),
  new PyFloat(1e16),
  new PyFloat(1e300),
  new PyFloat(NaN),
  new PyFloat(-Infinity),
  12345678901234567890n,
  -1n,
];
const PIECES = [
  'a',
  ' ',
  '~',
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '\b',
  '\f',
  '\v',
  '\x00',
  '\x1f',
  '\x7f',
  'é',
  '北',
  '\u2028',
  '\uffff',
  '😀',
  '\ud800',
];

function randomValue(random: Random, depth: number): JsonValue {
  const r = random();
  const string = () => Array.from({ length: Math.floor(random() * 8) }, () => PIECES[Math.floor(random() * PIECES.length)]).join('');
  if (depth > 3 || r < 0.4) return SCALARS[Math.floor(random() * SCALARS.length)]!;
  if (r < 0.6) return string();
  const size = Math.floor(random() * 5);
  if (r < 0.8) return Array.from({ length: size }, () => randomValue(random, depth + 1));
  return Object.fromEntries(Array.from({ length: size }, () => [string(), randomValue(random, depth + 1)]));
}

describe('jsonLength', () => {
  test('is the length canonicalJson and toJson write, for every kind of value', () => {
    const random = seededRandom(11);
    const wrong: JsonValue[] = [];
    for (let i = 0; i < 3_000; i++) {
      const value = randomValue(random, 0);
      const exact = jsonLength(value, 'canonical') === canonicalJson(value).length && jsonLength(value, 'compact') === toJson(value).length;
      if (!exact) wrong.push(value);
    }
    expect(wrong.map(toJson)).toEqual([]);
  });

  test('jsonLengths gives both lengths from one walk, as each writer writes them', () => {
    const random = seededRandom(12);
    const wrong: JsonValue[] = [];
    for (let i = 0; i < 3_000; i++) {
      const value = randomValue(random, 0);
      const { compact, canonical } = jsonLengths(value);
      if (compact !== toJson(value).length || canonical !== canonicalJson(value).length) wrong.push(value);
    }
    expect(wrong.map(toJson)).toEqual([]);
  });

  test("is exact for the reference's own blocks", () => {
    for (const vector of vectors.blocks) {
      const parsed = parseJson(vector.json);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(jsonLength(parsed.value, 'canonical')).toBe(vector.canonical.length);
    }
  });

  test('stops counting once past its limit, and is exact up to it', () => {
    const value = ['é'.repeat(1_000), 'x'.repeat(1_000)];
    const exact = canonicalJson(value).length;
    expect(jsonLength(value, 'canonical', exact)).toBe(exact);
    expect(jsonLength(value, 'canonical', 100)).toBeGreaterThan(100);
    expect(jsonLength(value, 'canonical', 100)).toBeLessThan(exact);
  });

  test('measureBlock gives the hash and the canonical length of one serialisation', () => {
    const block = { index: 2, transactions: [{ sender: 'Zoë', recipient: 'b', amount: 1 }], proof: 1, previous_hash: 'x' };
    expect(measureBlock(block)).toEqual({ hash: hashBlock(block), bytes: canonicalJson(block).length });
    expect(cachedHash(block)).toBe(hashBlock(block));
  });

  test('transactionBytes is the length of the transaction as toJson writes it', () => {
    const transaction: Transaction = { sender: 'Zoë', recipient: '北京 😀', amount: new PyFloat(5), id: 't-1' };
    expect(transactionBytes(transaction)).toBe(toJson(transaction).length);
  });
});
