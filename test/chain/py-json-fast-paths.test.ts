// The parser's fast paths (py-json-numbers.ts, StringReader.read, Parser.predictedKey) give what
// the general reading gives: the same values, the same texts kept, the same reasons.
import { canonicalJson, PyFloat, pythonFloatRepr, toJson, type JsonObject, type JsonValue } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { knownCanonicalText, knownCompactText, rememberText } from '../../src/chain/py-json-texts.ts';
import { seededRandom, type Random } from '../support/random.ts';

/** The blocks of `{"chain": [...]}` parsed with keepTexts. */
function parsedBlocks(blocks: string[]): JsonObject[] {
  const parsed = parseJson(`{"chain":[${blocks.join(',')}],"length":${blocks.length}}`, { keepTexts: true });
  if (!parsed.ok) throw new Error(parsed.reason);
  return (parsed.value as { chain: JsonObject[] }).chain;
}

/** What Python's json.loads makes of a number token, and whether repr()/str() writes it so. */
function expected(token: string): { value: JsonValue; canonical: boolean } {
  if (/[.eE]/.test(token)) {
    const x = Number(token);
    return { value: Number.isInteger(x) ? new PyFloat(x) : x, canonical: Number.isFinite(x) && pythonFloatRepr(x) === token };
  }
  const n = BigInt(token);
  const value = Number.isSafeInteger(Number(n)) ? Number(n) : n;
  return { value, canonical: n.toString() === token };
}

/** `{"a": value}` as `expect` compares it: -0 told apart from 0, a PyFloat by its value. */
function described(value: JsonValue): unknown {
  if (value instanceof PyFloat) return { float: Object.is(value.value, -0) ? '-0' : value.value };
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return value;
}

function expectNumber(token: string): void {
  const [block] = parsedBlocks([`{"a":${token}}`]);
  const { value, canonical } = expected(token);
  expect({ token, value: described(block!.a!) }).toEqual({ token, value: described(value) });
  expect({ token, kept: knownCompactText(block!) !== undefined }).toEqual({ token, kept: canonical });
}

const EDGE_NUMBERS = [
  '0',
  '-0',
  '7',
  '-12',
  '999999999999999', // 15 digits: added up as read
  '-999999999999999',
  '1000000000000000', // 16
  '9007199254740991',
  '-9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '12345678901234567',
  '123456789012345678901234567890',
  '0.5',
  '-0.5',
  '0.0',
  '-0.0',
  '5.0',
  '1.50',
  '0.1',
  '0.0001',
  '0.00012',
  '0.00001',
  '-0.0001',
  '1800000001.5',
  '1733212345.123456', // 16 digits: past the exact arithmetic
  '173321234.123456', // 15
  '99999999999999.9',
  '999999999999999.9',
  '0.123456789012345',
  '0.1234567890123456',
  '4.35',
  '2.675',
  '1e5',
  '1E+05',
  '1.5e-7',
  '1.5E-7',
  '-2.5e-07',
  '1e+16',
  '1e16',
  '1.0e0',
  '1e400',
  '-1e400',
  '2e-400',
  '123.456e2',
];

describe('numbers', () => {
  test.each(EDGE_NUMBERS)('%s reads as Number() or BigInt() does, and is kept as Python writes it', expectNumber);

  test('random decimals, at and around the 15 digits of the exact arithmetic', () => {
    const random = seededRandom(15);
    for (let i = 0; i < 5_000; i++) expectNumber(randomDecimal(random));
  });

  test('a number ends where the grammar ends it', () => {
    for (const [text, reason] of [
      ['1.', "unexpected character '.' at position 1 (expected end of input after the value)"],
      ['1e+', "unexpected character 'e' at position 1 (expected end of input after the value)"],
      ['1.5e', "unexpected character 'e' at position 3 (expected end of input after the value)"],
      ['01', "unexpected character '1' at position 1 (expected end of input after the value)"],
      ['1.2.3', "unexpected character '.' at position 3 (expected end of input after the value)"],
      ['-', 'unexpected end of input at position 1 (expected a digit)'],
      ['-a', "unexpected character 'a' at position 1 (expected a digit)"],
      ['-Inf', "unexpected character 'I' at position 1 (expected a digit)"],
    ]) {
      expect(parseJson(text!, { keepTexts: true })).toEqual({ ok: false, reason });
    }
    expect(parseJson('[-Infinity,1.5e3]')).toEqual({ ok: true, value: [-Infinity, new PyFloat(1500)] });
  });
});

function randomDecimal(random: Random): string {
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const whole = Math.floor(random() * 12);
  const int = whole === 0 ? '0' : String(1 + Math.floor(random() * 9)) + digits(whole - 1);
  const fraction = digits(1 + Math.floor(random() * 10));
  return `${random() < 0.3 ? '-' : ''}${int}.${random() < 0.3 ? '000' : ''}${fraction}`;
}

describe('names and strings', () => {
  test('a name foreseen (the one after the same name last time) is checked in full, and its end', () => {
    const blocks = parsedBlocks(['{"a":1,"bc":2}', '{"a":1,"b":2}', '{"a":1,"bcd":2}', '{"a":1,"bc":2}', '{"a":1,"b\\u0063":2}']);
    expect(blocks).toEqual([
      { a: 1, bc: 2 },
      { a: 1, b: 2 },
      { a: 1, bcd: 2 },
      { a: 1, bc: 2 },
      { a: 1, bc: 2 },
    ]);
    expect(blocks.map((block) => knownCompactText(block) !== undefined)).toEqual([true, true, true, true, false]);
  });

  test('a name with an escape, a wide character or a separator is read each time, and told to keepText', () => {
    const texts = ['{"\\u0061":1}', '{"a":1}', '{"é":1}', '{"é":1}', '{"x:y":1}', '{"x:y":1}', '{"a,b":[1]}', '{"a,b":[1]}'];
    const blocks = parsedBlocks(texts);
    expect(blocks).toEqual([{ a: 1 }, { a: 1 }, { é: 1 }, { é: 1 }, { 'x:y': 1 }, { 'x:y': 1 }, { 'a,b': [1] }, { 'a,b': [1] }]);
    expect(blocks.map((block) => knownCompactText(block) ?? null)).toEqual([null, '{"a":1}', null, null, ...texts.slice(4)]);
    expect(blocks.map((block) => knownCanonicalText(block) ?? null)).toEqual([null, '{"a": 1}', null, null, null, null, null, null]);
  });

  test('strings: plain ones cut whole, any other read by escapes, separators and wide characters noted', () => {
    const values = ['plain', 'with:colon', 'with,comma', 'é', '\u007f', 'line\n', 'q"uote', '😀', '\ud800', ''];
    const blocks = parsedBlocks(values.map((value) => toJson({ s: value })));
    expect(blocks.map((block) => block.s)).toEqual(values);
    for (const block of blocks) {
      expect(knownCompactText(block)).toBe(toJson({ s: block.s! }));
      const separated = /[,:]/.test(block.s as string);
      expect(knownCanonicalText(block)).toBe(separated ? undefined : canonicalJson({ s: block.s! }));
    }
  });

  test('a plain string of the length last read is the one last read only when the text holds it', () => {
    const values = ['ab', 'cd', 'ab', 'a,', 'a\u0062', 'x'.repeat(48), 'y'.repeat(48), 'x'.repeat(49), 'x'.repeat(49)];
    expect(parseJson(`[${values.map((value) => `"${value}"`).join(',')}]`)).toEqual({
      ok: true,
      value: ['ab', 'cd', 'ab', 'a,', 'ab', 'x'.repeat(48), 'y'.repeat(48), 'x'.repeat(49), 'x'.repeat(49)],
    });
  });

  test('malformed strings and structure keep their reasons', () => {
    for (const [text, reason] of [
      ['"abc', 'unterminated string starting at position 0'],
      ['"a\\x"', "invalid escape: 'x' after '\\' at position 2"],
      ['"\\u12"', 'invalid \\uXXXX escape at position 1'],
      ['"a\u0001"', 'control character U+0001 in string at position 2'],
      ['"é\\q"', "invalid escape: 'q' after '\\' at position 2"],
      ['["a:b,"', "unexpected end of input at position 7 (expected ',' or ']')"],
      ['{"a" 1}', "unexpected character '1' at position 5 (expected ':')"],
      ['{"a":1,}', "unexpected character '}' at position 7 (expected a property name in double quotes)"],
      ['{"a":1 "b"}', `unexpected character '"' at position 7 (expected ',' or '}')`],
      ['[1 2]', "unexpected character '2' at position 3 (expected ',' or ']')"],
      ['[1,]', "unexpected character ']' at position 3 (expected a value)"],
      ['nul', "unexpected character 'n' at position 0 (expected a value)"],
    ]) {
      expect(parseJson(text!, { keepTexts: true })).toEqual({ ok: false, reason });
    }
  });
});

describe('where the texts are kept (py-json-texts.ts)', () => {
  test('on the object, seen by nothing but the writers', () => {
    const [block] = parsedBlocks(['{"a":1,"b":[2]}']);
    expect(knownCompactText(block!)).toBe('{"a":1,"b":[2]}');
    expect(Reflect.ownKeys(block!)).toEqual(['a', 'b']);
    expect(Object.getOwnPropertyDescriptors(block!)).toEqual({
      a: { value: 1, writable: true, enumerable: true, configurable: true },
      b: { value: [2], writable: true, enumerable: true, configurable: true },
    });
    expect(JSON.stringify(block)).toBe('{"a":1,"b":[2]}');
    const clone = structuredClone(block!);
    expect(clone).toEqual(block);
    expect(knownCompactText(clone)).toBeUndefined();
    expect(knownCompactText({ a: 1, b: [2] })).toBeUndefined();
  });

  test('an object remembered again keeps the latest text', () => {
    const [block] = parsedBlocks(['{"a":1}']);
    rememberText(block!, '{"a":1}', false);
    expect(knownCompactText(block!)).toBe('{"a":1}');
    expect(knownCanonicalText(block!)).toBeUndefined();
  });
});
