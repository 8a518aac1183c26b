// What makes catching up cheap (one parse, one serialisation per block) must not change what is
// parsed, written or accepted: each fast path here is checked against the slow one it replaces.
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { jsonLength } from '../../src/chain/json-length.ts';
import { canonicalJson, canonicalJsonWithin, PyFloat, toJson, type JsonObject, type JsonValue } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { validChain } from '../../src/chain/validate.ts';
import { buildChain, copyChain, MAX_BLOCK_BYTES } from '../support/chains.ts';

const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES };

describe('canonicalJsonWithin', () => {
  const block: JsonObject = {
    index: 2,
    timestamp: new PyFloat(5),
    transactions: [{ sender: 'é', amount: 1.5 }],
    proof: 7,
    previous_hash: 'x',
  };
  const length = canonicalJson(block).length;

  test('is canonicalJson up to the limit, exactly, and undefined one character past it', () => {
    expect(canonicalJsonWithin(block, length)).toBe(canonicalJson(block));
    expect(canonicalJsonWithin(block, length - 1)).toBeUndefined();
    expect(jsonLength(block, 'canonical')).toBe(length);
  });

  test('gives up on a string that cannot fit before escaping it', () => {
    expect(canonicalJsonWithin({ big: 'é'.repeat(1_000_000) }, 100)).toBeUndefined();
    expect(canonicalJsonWithin(['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)], 100)).toBeUndefined();
  });
});

describe('long arrays, written by join', () => {
  test('come out as short ones do, element by element, in both layouts', () => {
    const items: JsonValue[] = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? { b: i, a: [i, new PyFloat(i)] } : `s${i}`));
    const compact = `[${items.map((item) => toJson(item)).join(',')}]`;
    const canonical = `[${items.map((item) => canonicalJson(item)).join(', ')}]`;
    expect(toJson(items)).toBe(compact);
    expect(canonicalJson(items)).toBe(canonical);
    expect(canonicalJsonWithin(items, canonical.length)).toBe(canonical);
    expect(canonicalJsonWithin(items, canonical.length - 1)).toBeUndefined();
  });
});

describe('keys sorted by code point', () => {
  test('the native sort for plain keys, code points once a key holds a surrogate', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3 })).toBe('{"B": 3, "a": 2, "b": 1}');
    // U+1F600 (a surrogate pair) sorts after U+E000 by code point, before it by code unit.
    // Twice: names once quoted are remembered, and a remembered name must not skip that sort.
    for (let i = 0; i < 2; i++) expect(canonicalJson({ '\u{1F600}': 1, '\uE000': 2 })).toBe('{"\\ue000": 2, "\\ud83d\\ude00": 1}');
  });
});

describe('property names the parser remembers', () => {
  test('a name met with escapes is the same name met without', () => {
    const parsed = parseJson('[{"a\\u0062":1},{"ab":2},{"ab":3}]');
    expect(parsed).toEqual({ ok: true, value: [{ ab: 1 }, { ab: 2 }, { ab: 3 }] });
  });

  test('a raw control character in a name is refused even after an escaped name of its length', () => {
    const parsed = parseJson('[{"a\\u0001":1},{"a\u0001":2}]');
    expect(parsed.ok).toBe(false);
  });

  test('a remembered __proto__ is still only data, and names past the cap parse as well', () => {
    const names = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const text = `[{"__proto__":{"x":1}},{"__proto__":{"x":2}},{${names.map((name, i) => `"${name}":${i}`).join(',')}}]`;
    const parsed = parseJson(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    const [first, second, many] = parsed.value as JsonObject[];
    expect(Object.getPrototypeOf(second)).toBe(Object.prototype);
    expect(Object.hasOwn(first!, '__proto__') && Object.hasOwn(second!, '__proto__')).toBe(true);
    expect(Object.keys(many!)).toEqual(names);
  });
});

describe('numbers read without a regular expression', () => {
  test.each([
    ['-0', 0],
    ['0', 0],
    ['123456789012345', 123456789012345],
    ['-123456789012345', -123456789012345],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', 9007199254740993n],
    ['-9007199254740993', -9007199254740993n],
    ['5.0', new PyFloat(5)],
    ['1E+2', new PyFloat(100)],
    ['1e-2', 0.01],
    ['-0.0', new PyFloat(-0)],
  ])('%s', (text, value) => {
    expect(parseJson(text)).toEqual({ ok: true, value });
    expect(parseJson(`[${text}]`)).toEqual({ ok: true, value: [value] });
  });

  test.each(['01', '1.', '1.e5', '1e', '1e+', '-', '-a', '.5', '+1'])('%s is refused, as json.loads refuses it', (text) => {
    expect(parseJson(text).ok).toBe(false);
    expect(parseJson(`[${text}]`).ok).toBe(false);
  });
});

describe('validation in one pass', () => {
  test('leaves each block hashed as hashBlock hashes it, and the hash the next block names', () => {
    const chain = copyChain(buildChain(6));
    const verdict = validChain(chain, RULES);
    expect(verdict.ok).toBe(true);
    chain.forEach((block, i) => {
      expect(cachedHash(block)).toBe(hashBlock(block));
      if (i + 1 < chain.length) expect(cachedHash(block)).toBe(chain[i + 1]!.previous_hash);
    });
  });
});
