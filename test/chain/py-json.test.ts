import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  canonicalJson,
  PyFloat,
  pyFloat,
  pythonFloatRepr,
  pythonStr,
  toJson,
  type JsonObject,
  type JsonValue,
} from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { seededRandom, type Random } from '../support/random.ts';
import { vectors } from '../support/vectors.ts';

function parse(text: string): JsonValue {
  const result = parseJson(text);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('reference hash vectors (seed_node.py)', () => {
  test.each(vectors.blocks.map((block) => [block.name, block] as const))('%s', (_name, block) => {
    const canonical = canonicalJson(parse(block.json));
    expect(canonical).toBe(block.canonical);
    expect(sha256(canonical)).toBe(block.sha256);
  });

  test.each(vectors.proof_chain.map((link) => [link.last_proof, link.proof] as const))(
    'f"{%s}{%s}" hashes to four leading zeros',
    (lastProof, proof) => {
      expect(sha256(`${pythonStr(lastProof)}${pythonStr(proof)}`).slice(0, 4)).toBe('0000');
    },
  );
});

describe('pythonFloatRepr and the JSON writers', () => {
  // [value, Python repr(value), Python json.dumps(value)], taken from Python 3.11.
  test.each([
    [0.1, '0.1', '0.1'],
    [5.0, '5.0', '5.0'],
    [1e16, '1e+16', '1e+16'],
    [1e15, '1000000000000000.0', '1000000000000000.0'],
    [1e-4, '0.0001', '0.0001'],
    [1e-5, '1e-05', '1e-05'],
    [2.5e-7, '2.5e-07', '2.5e-07'],
    [123456789012345680.0, '1.2345678901234568e+17', '1.2345678901234568e+17'],
    [-0.0, '-0.0', '-0.0'],
    [0.0, '0.0', '0.0'],
    [1e22, '1e+22', '1e+22'],
    [5e-324, '5e-324', '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308', '1.7976931348623157e+308'],
    [1795493718.5428212, '1795493718.5428212', '1795493718.5428212'],
    [-1.5, '-1.5', '-1.5'],
    [12345.678, '12345.678', '12345.678'],
    [NaN, 'nan', 'NaN'],
    [Infinity, 'inf', 'Infinity'],
    [-Infinity, '-inf', '-Infinity'],
  ])('%p: repr %s, json %s', (x, repr, json) => {
    expect(pythonFloatRepr(x)).toBe(repr);
    expect(canonicalJson(pyFloat(x))).toBe(json);
    expect(toJson([pyFloat(x)])).toBe(`[${json}]`);
  });

  test('integral JS numbers are Python ints, however large', () => {
    expect(toJson([5, -0, 1e21, 2 ** 60, 9007199254740993n])).toBe('[5,0,1000000000000000000000,1152921504606846976,9007199254740993]');
  });

  test('strings are escaped as json.dumps does with ensure_ascii', () => {
    const text = '\x00\x1f\x7f\b\f\n\r\t"\\/é\u2028😀~ ';
    expect(canonicalJson(text)).toBe('"\\u0000\\u001f\\u007f\\b\\f\\n\\r\\t\\"\\\\/\\u00e9\\u2028\\ud83d\\ude00~ "');
    expect(toJson(text)).toBe(canonicalJson(text));
  });

  test('canonical keys sort by code point, as Python sorts str', () => {
    const object = { '\ue000': 1, '😀': 2, a: 3, '\ud800': 4, '10': 5, '9': 6, '\ud83d': 7, '\ud83d\ue000': 8 };
    expect(canonicalJson(object)).toBe(
      '{"10": 5, "9": 6, "a": 3, "\\ud800": 4, "\\ud83d": 7, "\\ud83d\\ue000": 8, "\\ue000": 1, "\\ud83d\\ude00": 2}',
    );
  });

  test('canonical separators and empty containers match json.dumps', () => {
    expect(canonicalJson({ b: [1, {}, []], a: { y: null, x: true } })).toBe('{"a": {"x": true, "y": null}, "b": [1, {}, []]}');
  });

  test("toJson is compact and sorts the keys, as the reference's Flask jsonify writes its answers", () => {
    expect(toJson({ b: [1, false, null], a: 'x' })).toBe('{"a":"x","b":[1,false,null]}');
  });

  test('a property that is undefined is an error, not silently dropped', () => {
    expect(() => toJson({ a: undefined } as unknown as JsonObject)).toThrow(/property "a" is undefined/);
  });

  test('toJson of a 10,000-block chain round-trips', () => {
    const block = parse(vectors.blocks[1]!.json) as JsonObject;
    const chain = Array.from({ length: 10_000 }, (_, i) => ({ ...block, index: i + 1, timestamp: 1795493720.25 + i }));
    const text = toJson({ chain, length: chain.length });
    expect(toJson(parse(text))).toBe(text);
    expect(text.length).toBeGreaterThan(10_000 * 300);
  });
});

describe('pythonStr and pyFloat', () => {
  test.each<[JsonValue, string | undefined]>([
    [100, '100'],
    [35293n, '35293'],
    [1e21, '1000000000000000000000'],
    [new PyFloat(100), '100.0'],
    [new PyFloat(-0), '-0.0'],
    [0.5, '0.5'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [new PyFloat(Infinity), 'inf'],
    [true, 'True'],
    [false, 'False'],
    [null, 'None'],
    ['abc', 'abc'],
    [[1], undefined],
    [{ a: 1 }, undefined],
  ])('str(%p) is %p', (value, expected) => {
    expect(pythonStr(value)).toBe(expected);
  });

  test('pyFloat wraps only integral values, -0 included', () => {
    expect(pyFloat(5)).toEqual(new PyFloat(5));
    const negativeZero = pyFloat(-0);
    expect(negativeZero instanceof PyFloat && Object.is(negativeZero.value, -0)).toBe(true);
    expect(pyFloat(0.5)).toBe(0.5);
    expect(pyFloat(NaN)).toBeNaN();
    expect(pyFloat(Infinity)).toBe(Infinity);
  });
});

describe('parseJson numbers', () => {
  test('every number comes back out exactly as it went in', () => {
    const text = '[5.0,1e+16,9007199254740993,1000000000000000000000000000000,-0.0,0.1,-7]';
    expect(toJson(parse(text))).toBe(text);
    expect(canonicalJson(parse(text))).toBe('[5.0, 1e+16, 9007199254740993, 1000000000000000000000000000000, -0.0, 0.1, -7]');
  });

  test('tokens map to the documented representation', () => {
    expect(parse('[1E+2, 9007199254740991, 9007199254740992, -0, 0.25, 1e400, -1e-400, NaN, -Infinity]')).toEqual([
      new PyFloat(100),
      9007199254740991,
      9007199254740992n,
      0,
      0.25,
      Infinity,
      new PyFloat(-0),
      NaN,
      -Infinity,
    ]);
    expect(Object.is(parse('-0'), 0)).toBe(true); // Python's int has no -0
    expect(Object.is((parse('-1e-400') as PyFloat).value, -0)).toBe(true);
  });

  test('integers of up to 4300 digits are exact; longer ones are refused, as in Python 3.11', () => {
    const digits = '7'.repeat(4300);
    expect(parse(`-${digits}`)).toBe(-BigInt(digits));
    expect(parseJson(`${digits}7`)).toEqual({ ok: false, reason: 'integer with more than 4300 digits at position 0' });
  });
});

describe('parseJson strings, objects and whitespace', () => {
  test('escapes, lone surrogates and raw DEL decode as in Python', () => {
    expect(parse('"\\ud83d\\ude00 \\uD800 \\u00E9 \\/ \\b\\f\\n\\r\\t \\" \\\\ \x7f"')).toBe('😀 \ud800 é / \b\f\n\r\t " \\ \x7f');
  });

  test('only space, tab, newline and carriage return are whitespace', () => {
    expect(parse(' \t\n\r[ 1 ,\t2 ]\r\n ')).toEqual([1, 2]);
    expect(parseJson('\u00a0[]')).toEqual({
      ok: false,
      reason: 'unexpected character U+00A0 at position 0 (expected a value)',
    });
  });

  test('duplicate keys: the last one wins', () => {
    expect(toJson(parse('{"a": 1, "b": 2, "a": 3}'))).toBe('{"a":3,"b":2}');
  });

  test('"__proto__" becomes an ordinary own property and never touches a prototype', () => {
    const value = parse('{"__proto__": {"polluted": true}, "a": 1, "__proto__": {"polluted": 2}}') as JsonObject;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(canonicalJson(value)).toBe('{"__proto__": {"polluted": 2}, "a": 1}');
    expect(toJson(value)).toBe('{"__proto__":{"polluted":2},"a":1}');
  });
});

describe('parseJson errors say what and where', () => {
  test.each([
    ['', 'unexpected end of input at position 0 (expected a value)'],
    ['{"a": 1', "unexpected end of input at position 7 (expected ',' or '}')"],
    ['[1, 2', "unexpected end of input at position 5 (expected ',' or ']')"],
    ['"abc', 'unterminated string starting at position 0'],
    ['[1, 2] x', "unexpected character 'x' at position 7 (expected end of input after the value)"],
    ['01', "unexpected character '1' at position 1 (expected end of input after the value)"],
    ['"a\nb"', 'control character U+000A in string at position 2'],
    ['"a\x00"', 'control character U+0000 in string at position 2'],
    ["{'a': 1}", 'unexpected character "\'" at position 1 (expected a property name in double quotes)'],
    ['[1,]', "unexpected character ']' at position 3 (expected a value)"],
    ['{"a": 1,}', "unexpected character '}' at position 8 (expected a property name in double quotes)"],
    ['{"a" 1}', "unexpected character '1' at position 5 (expected ':')"],
    ['-', 'unexpected end of input at position 1 (expected a digit)'],
    ['-x', "unexpected character 'x' at position 1 (expected a digit)"],
    ['.5', "unexpected character '.' at position 0 (expected a value)"],
    ['1.', "unexpected character '.' at position 1 (expected end of input after the value)"],
    ['nul', "unexpected character 'n' at position 0 (expected a value)"],
    ['-NaN', "unexpected character 'N' at position 1 (expected a digit)"],
    ['"\\x"', "invalid escape: 'x' after '\\' at position 1"],
    ['"\\', 'unterminated string at position 1'],
    ['"\\u12G4"', 'invalid \\uXXXX escape at position 1'],
    ['\ufeff{}', 'unexpected character U+FEFF at position 0 (expected a value)'],
  ])('%j', (text, reason) => {
    expect(parseJson(text)).toEqual({ ok: false, reason });
  });

  test('nesting is limited to 512 and never overflows the stack', () => {
    expect(parse('['.repeat(512) + ']'.repeat(512))).toBeInstanceOf(Array);
    expect(parseJson('['.repeat(513) + ']'.repeat(513))).toEqual({
      ok: false,
      reason: 'nesting deeper than 512 at position 512',
    });
    expect(parseJson('['.repeat(100_000))).toEqual({ ok: false, reason: 'nesting deeper than 512 at position 512' });
    expect(parseJson('{"a":'.repeat(100_000))).toEqual({
      ok: false,
      reason: 'nesting deeper than 512 at position 2560',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Differential test: the same documents through /usr/bin/python3's json module and through ours.

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function times(n: number, make: () => string): string[] {
  return Array.from({ length: n }, make);
}

/** Generates JSON text directly (not via a serialiser) so the input forms vary: 1E+2, \uABCD, odd spacing. */
function documentGenerator(random: Random) {
  const ws = () => (random() < 0.7 ? '' : pick(random, [' ', '\n', '\t', '\r\n  ', '  ']));
  const digits = (n: number) => times(n, () => String(randomInt(random, 0, 9))).join('');
  const hexEscape = () => {
    const hex = randomInt(random, 0, 0xffff).toString(16).padStart(4, '0');
    return `\\u${random() < 0.5 ? hex : hex.toUpperCase()}`;
  };
  const stringPiece = () => {
    const r = random();
    if (r < 0.4) return String.fromCharCode(pick(random, [0x20, 0x21, 0x23, randomInt(random, 0x23, 0x5b), randomInt(random, 0x5d, 0x7f)]));
    if (r < 0.6) return pick(random, ['é', '北', '\u2028', '\u00a0', '\ue000', '\uffff', '😀', '\u{10ffff}', '𝄞']);
    if (r < 0.8) return pick(random, ['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u0000', '\\u001F', '\\ud83d\\ude00']);
    return hexEscape();
  };
  const keyPiece = () =>
    pick(random, ['a', 'b', 'é', '\ue000', '\uffff', '😀', '\\ud800', '\\udfff', '\\ud83d', '\\ude00', '\\u0000', '\\uE000']);
  const string = () => `"${times(randomInt(random, 0, 12), stringPiece).join('')}"`;
  const key = () =>
    random() < 0.3
      ? pick(random, ['"a"', '"b"', '"__proto__"', '"10"', '"9"', '"constructor"', '"index"'])
      : `"${times(randomInt(random, 0, 3), keyPiece).join('')}"`;

  const integer = () => {
    const r = random();
    if (r < 0.4) return String(randomInt(random, -1000, 1000));
    if (r < 0.6) return pick(random, ['-0', '0', '9007199254740991', '9007199254740992', '9007199254740993', '-9007199254740993']);
    return `${random() < 0.3 ? '-' : ''}${randomInt(random, 1, 9)}${digits(randomInt(random, 10, 40))}`;
  };
  const bitsFloat = () => {
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    const x = view.getFloat64(0);
    return Number.isFinite(x) ? String(x) : '0.5';
  };
  const decimalFloat = () => {
    const exponent = random() < 0.5 ? '' : `${pick(random, ['e', 'E'])}${pick(random, ['', '+', '-'])}${randomInt(random, 0, 330)}`;
    return `${random() < 0.3 ? '-' : ''}${digits(1)}.${digits(randomInt(random, 1, 25))}${exponent}`;
  };
  const integralFloat = () =>
    pick(random, [
      `${randomInt(random, -99999, 99999)}.0`,
      `${randomInt(random, 1, 9)}e${randomInt(random, 0, 30)}`,
      `${randomInt(random, 1, 9)}.${digits(3)}E+${randomInt(random, 3, 22)}`,
      '-0.0',
      '0.0',
      '1E+2',
      '1e16',
      '1e15',
      '9999999999999998.0',
      '123456789012345680.0',
    ]);
  const edgeFloat = () =>
    pick(random, [
      '0.0001',
      '0.00001',
      '1e-4',
      '5e-324',
      '2.4e-324',
      '4.9e-324',
      '1.7976931348623157e308',
      '1e309',
      '-1e400',
      '2.5e-07',
      '1795493718.5428212',
      '0.1',
      '1.5e300',
    ]);
  const float = () => pick(random, [bitsFloat, bitsFloat, decimalFloat, integralFloat, edgeFloat])();

  const scalar = (): string => {
    const r = random();
    if (r < 0.3) return string();
    if (r < 0.5) return integer();
    if (r < 0.9) return float();
    return pick(random, ['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity']);
  };
  const array = (depth: number) => `[${ws()}${times(randomInt(random, 0, 5), () => value(depth)).join(`${ws()},${ws()}`)}${ws()}]`;
  const object = (depth: number) =>
    `{${ws()}${times(randomInt(random, 0, 5), () => `${key()}${ws()}:${ws()}${value(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  const value = (depth: number): string => {
    const r = random();
    if (depth < 5 && r < 0.2) return array(depth + 1);
    if (depth < 5 && r < 0.4) return object(depth + 1);
    return scalar();
  };
  return () => `${ws()}${random() < 0.5 ? array(0) : object(0)}${ws()}`;
}

/** A small corruption (truncate, insert, delete) that may or may not leave valid JSON. */
function mutate(random: Random, doc: string): string {
  const at = randomInt(random, 0, doc.length);
  const r = random();
  if (r < 0.33) return doc.slice(0, at);
  if (r < 0.66)
    return doc.slice(0, at) + pick(random, [',', ']', '}', '"', '\\', '0', '-', 'e', '.', 'x', ' ', '\x01', '\x7f']) + doc.slice(at);
  return doc.slice(0, at) + doc.slice(at + 1);
}

const PYTHON_CANONICAL = `
import json, sys
out = []
for doc in json.load(open(sys.argv[1], encoding='utf-8')):
    try:
        out.append(json.dumps(json.loads(doc), sort_keys=True))
    except ValueError:  # JSONDecodeError is a ValueError
        out.append(None)
print(json.dumps(out))
`;

/** Python's json.dumps(json.loads(doc), sort_keys=True) for each doc; null where json.loads fails. */
function pythonCanonical(docs: string[]): (string | null)[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'py-json-'));
  try {
    const file = path.join(dir, 'docs.json');
    // JSON.stringify escapes lone surrogates, so Python receives exactly the same code units.
    writeFileSync(file, JSON.stringify(docs), 'utf8');
    const stdout = execFileSync('/usr/bin/python3', ['-c', PYTHON_CANONICAL, file], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(stdout) as (string | null)[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ourCanonical(doc: string): string | null {
  const result = parseJson(doc);
  return result.ok ? canonicalJson(result.value) : null;
}

describe('differential against /usr/bin/python3 json', () => {
  const random = seededRandom(20240611);
  const generate = documentGenerator(random);
  const docs = times(400, generate);
  const mutated = docs.map((doc) => mutate(random, doc));
  const compact = docs.map((doc) => {
    const result = parseJson(doc);
    return result.ok ? toJson(result.value) : '';
  });
  const expected = pythonCanonical([...docs, ...mutated, ...compact]);
  const mismatches = (inputs: string[], offset: number) =>
    inputs.flatMap((doc, i) => {
      const theirs = expected[offset + i];
      const ours = ourCanonical(doc);
      return ours === theirs ? [] : [{ doc, python: theirs, ours }];
    });

  test('Python accepts every generated document', () => {
    expect(expected.slice(0, docs.length).filter((canonical) => canonical === null)).toHaveLength(0);
  });

  test('canonicalJson(parseJson(doc)) is byte-identical to json.dumps(json.loads(doc), sort_keys=True)', () => {
    expect(mismatches(docs, 0)).toEqual([]);
  });

  test('corrupted documents: accepted and refused alike, and equal when accepted', () => {
    expect(mismatches(mutated, docs.length)).toEqual([]);
    const refused = expected.slice(docs.length, 2 * docs.length).filter((canonical) => canonical === null);
    expect(refused.length).toBeGreaterThan(docs.length / 3); // the corruption really does break documents
    expect(refused.length).toBeLessThan(docs.length);
  });

  test('Python reads our toJson output back to the same value', () => {
    expect(expected.slice(2 * docs.length)).toEqual(expected.slice(0, docs.length));
  });
});
