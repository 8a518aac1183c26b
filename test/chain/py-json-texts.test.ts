import { Blockchain } from '../../src/chain/blockchain.ts';
import { canonicalJson, PyFloat, toJson, type JsonObject, type JsonValue } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { knownCanonicalText, knownCompactText } from '../../src/chain/py-json-texts.ts';
import { unparsedCopy } from '../support/unparsed-copy.ts';
import { seededRandom, type Random } from '../support/random.ts';

/** The elements of `{"chain": [...]}` parsed from `text` with keepTexts. */
function parsedBlocks(text: string): JsonObject[] {
  const parsed = parseJson(text, { keepTexts: true });
  if (!parsed.ok) throw new Error(parsed.reason);
  return (parsed.value as { chain: JsonObject[] }).chain;
}

function body(blocks: string[]): string {
  return `{"chain":[${blocks.join(',')}],"length":${blocks.length}}`;
}

describe('the texts a parse keeps (py-json-texts.ts)', () => {
  const blockchain = new Blockchain();
  blockchain.apply({ type: 'transaction', transaction: { sender: 'alice', recipient: 'bob', amount: 5.5, id: 'a1' } });
  blockchain.apply({ type: 'block', block: blockchain.forgeBlock(35293, 1796193054.4676757, 'miner', 1 << 20) });
  const chain = [...blockchain.chain];

  test("a peer's blocks, written as toJson writes them, are kept as they came: nothing writes them again", () => {
    const blocks = parsedBlocks(toJson({ chain, length: chain.length }));
    for (const block of blocks) {
      expect(knownCompactText(block)).toBe(toJson(unparsedCopy(block)));
      expect(knownCanonicalText(block)).toBe(canonicalJson(unparsedCopy(block)));
    }
    // And the writers hand those texts out.
    expect(toJson(blocks)).toBe(toJson(unparsedCopy(blocks)));
  });

  test('without keepTexts nothing is kept', () => {
    const parsed = parseJson(toJson({ chain, length: chain.length }));
    if (!parsed.ok) throw new Error(parsed.reason);
    for (const block of (parsed.value as { chain: JsonObject[] }).chain) expect(knownCompactText(block)).toBeUndefined();
  });

  test.each([
    ['whitespace', '{"a": 1}'],
    ['names out of order', '{"b":1,"a":2}'],
    ['a name twice', '{"a":1,"a":2}'],
    ['a float not as repr() writes it', '{"a":1.50}'],
    ['an exponent where repr() writes none', '{"a":1e5}'],
    ['a capital E', '{"a":1.5E-7}'],
    ['-0, which Python writes as 0', '{"a":-0}'],
    ['an escape ensure_ascii does not write', '{"a":"\\u0041"}'],
    ['an escaped slash', '{"a":"\\/"}'],
    ['a raw character ensure_ascii escapes', '{"a":"é"}'],
    ['a raw DEL', '{"a":"\u007f"}'],
    ['an upper-case escape', '{"a":"\\u00E9"}'],
  ])('a text toJson would not write is not kept: %s', (_what, text) => {
    const [block] = parsedBlocks(body([text]));
    expect(knownCompactText(block!)).toBeUndefined();
  });

  test('escapes as ensure_ascii writes them are kept', () => {
    const [block] = parsedBlocks(body(['{"a":"\\u00e9\\n\\"\\\\\\ud83d\\ude00","b":-2.5e-07}']));
    expect(knownCompactText(block!)).toBe('{"a":"\\u00e9\\n\\"\\\\\\ud83d\\ude00","b":-2.5e-07}');
  });

  test("a string holding ',' or ':' keeps its compact text, but not as canonical: spacing would reach into it", () => {
    const [block] = parsedBlocks(body(['{"a":"x:y","b":[1,2]}']));
    expect(knownCompactText(block!)).toBe('{"a":"x:y","b":[1,2]}');
    expect(knownCanonicalText(block!)).toBeUndefined();
    expect(canonicalJson(block!)).toBe('{"a": "x:y", "b": [1, 2]}');
  });

  test('whatever is kept is exactly what the writers write, over random values in random spellings', () => {
    const random = seededRandom(2024);
    let kept = 0;
    for (let i = 0; i < 2_000; i++) {
      const value = randomObject(random, 0);
      const text = spell(value, random);
      const [block] = parsedBlocks(body([text]));
      const fresh = unparsedCopy(block!);
      expect(block).toEqual(fresh);
      const compact = knownCompactText(block!);
      if (compact !== undefined) {
        kept++;
        expect(compact).toBe(toJson(fresh));
        const canonical = knownCanonicalText(block!);
        if (canonical !== undefined) expect(canonical).toBe(canonicalJson(fresh));
      }
      // toJson's own spelling is always kept.
      expect(knownCompactText(parsedBlocks(body([toJson(fresh)]))[0]!)).toBe(toJson(fresh));
    }
    expect(kept).toBeGreaterThan(100); // the spellings are not all rejected
  });
});

const SCALARS: JsonValue[] = [
  0,
  7,
  -12,
  2 ** 60,
  0.1,
  -2.5e-7,
  1796193054.4676757,
  1e-5,
  1e21,
  new PyFloat(5),
  new PyFloat(-0),
  null,
  true,
  12345678901234567890n,
];
const PIECES = ['a', 'z', ' ', ',', ':', '"', '\\', '\n', '\x01', '\x7f', 'é', '😀', '\ud800', '/'];

function randomString(random: Random): string {
  return Array.from({ length: Math.floor(random() * 5) }, () => PIECES[Math.floor(random() * PIECES.length)]).join('');
}

function randomValue(random: Random, depth: number): JsonValue {
  const r = random();
  if (depth > 2 || r < 0.45) return SCALARS[Math.floor(random() * SCALARS.length)]!;
  if (r < 0.7) return randomString(random);
  if (r < 0.85) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  return randomObject(random, depth + 1);
}

function randomObject(random: Random, depth: number): JsonObject {
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [randomString(random), randomValue(random, depth + 1)]));
}

/**
 * `value` as JSON, mostly as toJson writes it, sometimes spelled otherwise: a space, keys out of
 * order, a character escaped that needs no escape, a number in another form.
 */
function spell(value: JsonValue, random: Random): string {
  const odd = () => random() < 0.08;
  if (typeof value === 'string') {
    return odd() && value.length > 0
      ? `"\\u${value.charCodeAt(0).toString(16).padStart(4, '0')}${toJson(value.slice(1)).slice(1)}`
      : toJson(value);
  }
  if (typeof value === 'number' && odd()) return Number.isSafeInteger(value) ? `${value}.0e0` : `${toJson(value)}0`;
  if (Array.isArray(value)) return `[${value.map((item) => spell(item, random)).join(odd() ? ', ' : ',')}]`;
  if (typeof value === 'object' && value !== null && !(value instanceof PyFloat)) {
    const keys = Object.keys(value).sort();
    if (odd()) keys.reverse();
    return `{${keys.map((key) => `${spell(key, random)}:${odd() ? ' ' : ''}${spell(value[key]!, random)}`).join(',')}}`;
  }
  return toJson(value);
}
