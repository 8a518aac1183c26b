// Short texts read by JSON.parse (src/chain/py-json-short.ts) must come out exactly as the general
// parser reads them: same value, PyFloat and bigint included, or the same reason for refusing.
import { PyFloat } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { seededRandom, type Random } from '../support/random.ts';

/** Trailing whitespace past the short texts' limit: the same JSON, read by the general parser. */
const byParser = (text: string) => parseJson(text + ' '.repeat(1100));

/** How parseJson reads `text`, and whether it asked JSON.parse to read all of it. */
function read(text: string): { parsed: ReturnType<typeof parseJson>; native: boolean } {
  const spy = jest.spyOn(JSON, 'parse');
  try {
    const parsed = parseJson(text);
    // The parser reads a string with JSON.parse too: only a call with the whole text is the short path.
    return { parsed, native: spy.mock.calls.some(([argument]) => argument === text) };
  } finally {
    spy.mockRestore();
  }
}

function expectSameAsParser(text: string): boolean {
  const { parsed, native } = read(text);
  expect(parsed).toStrictEqual(byParser(text));
  return native;
}

describe('short texts read by JSON.parse', () => {
  test("a transaction's body is read by JSON.parse, as the parser reads it", () => {
    expect(expectSameAsParser('{"sender":"alice","recipient":"bob","amount":5}')).toBe(true);
    expect(expectSameAsParser('{"sender":"a","recipient":"b","amount":-12,"id":"x-1"}')).toBe(true);
    // The notebook's addresses are uuid4 hex, where digits meet 'e' ("6e", "8ee"): a string, not a number.
    expect(expectSameAsParser('{"sender":"d4ee26eee15148ee92c6cd394edd974e","recipient":"1e5-0.5","amount":5}')).toBe(true);
  });

  // Each would be read otherwise by JSON.parse: the guard sends it to the parser.
  test.each([
    ['an integral float stays a float', '{"amount":5.0}', { amount: new PyFloat(5) }],
    ['an exponent makes a float', '{"amount":1e5}', { amount: new PyFloat(100000) }],
    ['a capital exponent too', '[2E3]', [new PyFloat(2000)]],
    ['a long integer stays exact', '[12345678901234567]', [12345678901234567n]],
    ['Python has no int -0', '[-0]', [0]],
    ['-0.0 is a float', '[-0.0]', [new PyFloat(-0)]],
    ['after whitespace', '{"amount": \t\n\r5.0}', { amount: new PyFloat(5) }],
    ['in an array, after a comma', '[1, 2.0]', [1, new PyFloat(2)]],
    ['a whole text that is a number', ' 5e0', new PyFloat(5)],
  ])('%s', (_name, text, value) => {
    const { parsed, native } = read(text);
    expect(native).toBe(false);
    expect(parsed).toStrictEqual({ ok: true, value });
  });

  test("what JSON.parse refuses is the parser's to read or refuse, with its reason", () => {
    for (const text of ['[NaN]', '[Infinity, -Infinity]', '{"a":1,}', '{"a" 1}', '["\u0001"]', '[1] x']) {
      expect(parseJson(text)).toStrictEqual(byParser(text));
    }
    expect(parseJson('[NaN]')).toStrictEqual({ ok: true, value: [NaN] });
    expect(parseJson('{"a":1,}')).toMatchObject({ ok: false });
  });

  test('names and strings are read alike: duplicates, __proto__, escapes and lone surrogates', () => {
    for (const text of [
      '{"a":1,"b":2,"a":3}',
      '{"__proto__":{"polluted":1}}',
      '{"2":1,"1":2,"b":3}',
      '["\\ud800","\\u00fc\\n\\"\\\\\\/","é ☃ 😀"]',
      '{"":null,"t":true,"f":false}',
    ]) {
      expect(expectSameAsParser(text)).toBe(true);
    }
    const { parsed } = read('{"__proto__":{"polluted":1}}');
    const value = (parsed as { value: object }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test("a text past the limit is the parser's, so no value nests deeper than it allows", () => {
    const deep = '['.repeat(600) + ']'.repeat(600);
    expect(read(deep).native).toBe(false);
    expect(parseJson(deep)).toMatchObject({ ok: false, reason: expect.stringMatching(/nesting deeper than 512/) as unknown });
  });

  test('random short texts come out as the parser reads them', () => {
    const random = seededRandom(12);
    let native = 0;
    for (let i = 0; i < 500; i++) if (expectSameAsParser(randomText(random, 0))) native++;
    // Not all refused: the differential compares both ways of reading.
    expect(native).toBeGreaterThan(100);
  });
});

const NUMBERS = ['0', '7', '-3', '12', '5.0', '1.5', '-0', '-0.5', '1e3', '2E-2', '123456789012345', '1234567890123456', '0.1'];
// Some look like the numbers the guard looks for: they may send a text to the parser, never wrongly.
const STRINGS = ['"a"', '"b-0"', '"e5"', '"x1.5"', '"\\u00e9"', '"\\ud83d"', '"1e"', '""', '"6e8"', '"at:5.0"', '"[-0"', '", 1e5"'];
/** JSON's whitespace, as a text may have it between any two tokens. */
const SPACES = ['', '', '', ' ', '\t', '\n', '\r', ' \n '];

function randomText(random: Random, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return pick(SPACES) + randomToken(random, depth, pick) + pick(SPACES);
}

function randomToken(random: Random, depth: number, pick: <T>(items: readonly T[]) => T): string {
  const roll = random();
  if (depth < 3 && roll < 0.3) {
    return `[${Array.from({ length: Math.floor(random() * 4) }, () => randomText(random, depth + 1)).join(',')}]`;
  }
  if (depth < 3 && roll < 0.6) {
    const names = ['"a"', '"b"', '"amount"', '"__proto__"', '"1"'];
    const pairs = Array.from({ length: Math.floor(random() * 4) }, () => `${pick(names)}${pick(SPACES)}:${randomText(random, depth + 1)}`);
    return `{${pairs.join(',')}}`;
  }
  if (roll < 0.8) return pick(NUMBERS);
  return pick([...STRINGS, 'true', 'null']);
}
