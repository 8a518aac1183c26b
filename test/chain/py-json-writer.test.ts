// The writer's fast paths (remembered key layouts, per-item joins of long arrays) give exactly
// what a straightforward json.dumps(sort_keys=True, ensure_ascii=True) gives, in both styles.
import {
  canonicalJson,
  canonicalJsonWithin,
  PyFloat,
  pythonFloatRepr,
  toJson,
  type JsonObject,
  type JsonValue,
} from '../../src/chain/py-json.ts';
import { rememberedLayouts } from '../../src/chain/py-json-writer.ts';
import { seededRandom, type Random } from '../support/random.ts';

const SHORT: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

/** json.dumps' string, one UTF-16 unit at a time. */
function referenceQuote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (SHORT[unit] !== undefined) out += SHORT[unit];
    else if (unit < 0x20 || unit > 0x7e) out += `\\u${unit.toString(16).padStart(4, '0')}`;
    else out += text[i];
  }
  return `${out}"`;
}

/** Python's str ordering: by code point, lone surrogates being code points of their own. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function referenceFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pythonFloatRepr(x);
}

function reference(value: JsonValue, comma: string, colon: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return referenceQuote(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : referenceFloat(value);
  if (value instanceof PyFloat) return referenceFloat(value.value);
  if (Array.isArray(value)) return `[${value.map((item) => reference(item, comma, colon)).join(comma)}]`;
  const keys = Object.keys(value).sort(byCodePoint);
  return `{${keys.map((key) => `${referenceQuote(key)}${colon}${reference(value[key]!, comma, colon)}`).join(comma)}}`;
}

function expectBothStyles(value: JsonValue): void {
  expect(toJson(value)).toBe(reference(value, ',', ':'));
  expect(canonicalJson(value)).toBe(reference(value, ', ', ': '));
}

describe('remembered key layouts', () => {
  test('objects with the same names in other orders still come out sorted', () => {
    for (let i = 0; i < 3; i++) {
      expectBothStyles({ b: 1, a: 2, c: 3 });
      expectBothStyles({ c: 1, b: 2, a: 3 });
      expectBothStyles({ a: 1, c: 2, b: 3 });
    }
  });

  test('two key lists that differ in one name, in any place, never share a layout', () => {
    const base = ['index', 'timestamp', 'transactions', 'proof', 'previous_hash'];
    for (let place = 0; place < base.length; place++) {
      const other = base.map((key, i) => (i === place ? 'zz' : key));
      const first = Object.fromEntries(base.map((key, i) => [key, i]));
      const second = Object.fromEntries(other.map((key, i) => [key, -i]));
      for (let i = 0; i < 2; i++) {
        expectBothStyles(first);
        expectBothStyles(second);
      }
    }
  });

  test('a name one character longer or shorter is another name', () => {
    for (let i = 0; i < 2; i++) {
      expectBothStyles({ ab: 1, c: 2 });
      expectBothStyles({ a: 1, c: 2 });
      expectBothStyles({ abc: 1, c: 2 });
    }
  });

  test('astral and escaped names are sorted by code point and quoted as json.dumps does', () => {
    const names = ['\u{1F600}', '\uE000', 'a', '\ud800', '"q"', 'back\\slash', 'new\nline', 'é', '\x7f', '10', '9'];
    for (let i = 0; i < 3; i++) {
      expectBothStyles(Object.fromEntries(names.map((name, j) => [name, j])));
      expectBothStyles(Object.fromEntries([...names].reverse().map((name, j) => [name, `v${j}`])));
    }
    expect(canonicalJson({ '\u{1F600}': 1, '\uE000': 2 })).toBe('{"\\ue000": 2, "\\ud83d\\ude00": 1}');
  });

  test('a laid-out object with an undefined property is still an error', () => {
    expect(toJson({ a: 1, b: 2 })).toBe('{"a":1,"b":2}');
    expect(() => toJson({ a: 1, b: undefined } as unknown as JsonObject)).toThrow(/property "b" is undefined/);
  });

  test('many distinct key sets are written right and remembered only up to a bound', () => {
    const shapes = Array.from({ length: 200 }, (_, i) => Object.fromEntries([`k${i}`, 'x', `m${i % 7}`].map((key, j) => [key, j])));
    for (let round = 0; round < 2; round++) for (const shape of shapes) expectBothStyles(shape);
    expect(rememberedLayouts()).toBeLessThanOrEqual(16);
  });

  test('objects with many names or long names are written right without a layout', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`n${(i * 7) % 40}`, i]));
    const long = { ['k'.repeat(100)]: 1, a: 2, ['é'.repeat(70)]: 3 };
    for (let i = 0; i < 2; i++) {
      expectBothStyles(many);
      expectBothStyles(long);
    }
    expect(canonicalJsonWithin({ ['é'.repeat(1_000_000)]: 1 }, 100)).toBeUndefined();
  });
});

describe('long arrays, each item joined apart', () => {
  test('nested long arrays and objects come out as the reference writes them', () => {
    const inner = (n: number): JsonValue[] =>
      Array.from({ length: 40 }, (_, i) => (i % 2 ? { b: i, a: [n, new PyFloat(i)] } : `s${n}.${i}`));
    const outer: JsonValue = { chain: Array.from({ length: 40 }, (_, n) => ({ items: inner(n), n })), length: 40 };
    expectBothStyles(outer);
  });

  test('the limit holds across the items of a long array, to the character', () => {
    const chain: JsonValue[] = Array.from({ length: 50 }, (_, i) => ({ index: i, proof: i * 3, previous_hash: 'ab'.repeat(32) }));
    const canonical = reference(chain, ', ', ': ');
    expect(canonicalJsonWithin(chain, canonical.length)).toBe(canonical);
    expect(canonicalJsonWithin(chain, canonical.length - 1)).toBeUndefined();
    expect(canonicalJsonWithin(chain, 100)).toBeUndefined();
  });
});

describe('random objects from a small pool of names', () => {
  const NAMES = ['a', 'b', 'B', 'index', 'proof', '\u{1F600}', '\uE000', 'é', 'q"', '10'];

  function randomValue(random: Random, depth: number): JsonValue {
    const pick = Math.floor(random() * (depth > 2 ? 6 : 9));
    if (pick === 0) return null;
    if (pick === 1) return random() < 0.5;
    if (pick === 2) return Math.floor(random() * 2000) - 1000;
    if (pick === 3) return [random() * 1e6, 1e-7 * random(), NaN, -Infinity, 2 ** 60, 12345678901234567890n][Math.floor(random() * 6)]!;
    if (pick === 4) return new PyFloat([0, -0, 5, 1e16, 1e22][Math.floor(random() * 5)]!);
    if (pick === 5) return ['', 'plain', 'é\n"\\', '\u{1F600}\x00', 'x'.repeat(90) + '\u2028'][Math.floor(random() * 5)]!;
    if (pick === 6) return Array.from({ length: Math.floor(random() * (random() < 0.2 ? 60 : 4)) }, () => randomValue(random, depth + 1));
    return randomObject(random, depth + 1);
  }

  function randomObject(random: Random, depth: number): JsonObject {
    const names = NAMES.filter(() => random() < 0.4);
    // Shuffled, so that one name set comes in several insertion orders.
    for (let i = names.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [names[i], names[j]] = [names[j]!, names[i]!];
    }
    return Object.fromEntries(names.map((name) => [name, randomValue(random, depth)]));
  }

  test('come out as the reference writes them, in both styles', () => {
    const random = seededRandom(20261203);
    for (let i = 0; i < 400; i++) expectBothStyles(randomObject(random, 0));
  });
});
