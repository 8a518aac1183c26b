/**
 * JSON read and written the way the Python reference node does it (json.loads / json.dumps).
 *
 * A block's hash is sha256 of Python's `json.dumps(block, sort_keys=True)`, so every number
 * must come back out exactly as it went in: 5.0 stays 5.0, 1e+16 stays 1e+16 and integers past
 * 2^53 stay exact. JSON.parse/JSON.stringify lose all three, hence this module.
 *
 * Representation: integer tokens become `number` (safe integers) or `bigint`; float tokens
 * become `number` when non-integral (0.1, NaN, Infinity) and `PyFloat` when integral (5.0, -0.0).
 */
import { knownCanonicalText, knownCompactText } from './py-json-texts.ts';

/** A float whose value is integral (5.0, 1e16, -0.0): kept apart from JS integers so it serialises as Python writes it. */
export class PyFloat {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }
}

export type JsonValue = null | boolean | string | number | bigint | PyFloat | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
export type ParseResult = { ok: true; value: JsonValue } | { ok: false; reason: string };

/** Wraps x in PyFloat when it is integral (including -0), so it is written as '5.0' and not '5'. */
export function pyFloat(x: number): number | PyFloat {
  return Number.isInteger(x) ? new PyFloat(x) : x;
}

// ---------------------------------------------------------------------------------------------
// Python's str() and repr()

/**
 * Python's repr(float). Non-finite values give repr's 'nan', 'inf' and '-inf'; the JSON writers
 * below write json.dumps' 'NaN', 'Infinity' and '-Infinity' instead.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  // Fast path for timestamps and amounts: a non-integral value is below 2^53, so from 1e-4 up
  // both Python and JS print the same shortest digits in fixed notation.
  if (!Number.isInteger(x) && Math.abs(x) >= 1e-4) return String(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  // toExponential() with no argument gives the shortest digits that round-trip, as Python's repr does.
  const exponential = Math.abs(x).toExponential();
  const e = exponential.indexOf('e');
  const digits = exponential.slice(0, e).replace('.', '');
  const decpt = Number(exponential.slice(e + 1)) + 1; // digits are 0.d1d2... x 10^decpt
  // Python's float_repr_style 'short' switches to exponent notation at these thresholds.
  const body = decpt <= -4 || decpt > 16 ? exponentNotation(digits, decpt) : fixedNotation(digits, decpt);
  return sign + body;
}

function exponentNotation(digits: string, decpt: number): string {
  const exponent = decpt - 1;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function fixedNotation(digits: string, decpt: number): string {
  if (decpt <= 0) return `0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Python's str() of a scalar, as in the proof of work's f"{last_proof}{proof}"; undefined for arrays and objects. */
export function pythonStr(value: JsonValue): string | undefined {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? integerDigits(value) : pythonFloatRepr(value);
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  return undefined;
}

/** An integral JS number as Python writes an int: never '1e+21', never '-0'. */
function integerDigits(x: number): string {
  return Number.isSafeInteger(x) ? String(x === 0 ? 0 : x) : BigInt(x).toString();
}

// ---------------------------------------------------------------------------------------------
// Writing

interface Layout {
  readonly comma: string;
  readonly colon: string;
  readonly sortKeys: boolean;
}

const CANONICAL: Layout = { comma: ', ', colon: ': ', sortKeys: true };
const COMPACT: Layout = { comma: ',', colon: ':', sortKeys: true };

/** Exactly Python's json.dumps(value, sort_keys=True): the text a block's hash is taken of. */
export function canonicalJson(value: JsonValue): string {
  return new Writer(CANONICAL, Infinity).write(value);
}

/**
 * canonicalJson(value) if it is at most `limit` characters long, else undefined, found out without
 * writing much more than `limit`: a peer's block may be far larger as JSON than the body it came
 * in, too large even for a string (see jsonLength). Validation writes each block once, with this.
 */
export function canonicalJsonWithin(value: JsonValue, limit: number): string | undefined {
  try {
    return new Writer(CANONICAL, limit).write(value);
  } catch (error) {
    if (error === OVER_LIMIT) return undefined;
    throw error;
  }
}

/**
 * The wire form of our responses and requests, as the reference's Flask jsonify writes its own:
 * ',' and ':', keys sorted, ASCII only. A peer's blocks then come in exactly as we would send them
 * on, and as canonicalJson writes them but for the spaces (see py-json-texts.ts).
 */
export function toJson(value: JsonValue): string {
  return new Writer(COMPACT, Infinity).write(value);
}

/** Thrown inside a Writer whose output passed its limit; never seen outside this module. */
class OverLimit extends Error {}
const OVER_LIMIT = new OverLimit('the JSON is longer than its limit');

/** Arrays longer than this are written by join, which makes one flat string (see #array). */
const JOIN_FROM = 32;

/**
 * One serialisation. `written` counts what was produced, to stop past `limit`: every piece is
 * counted once, when its scalar is written or its brackets and separators are.
 */
class Writer {
  readonly #layout: Layout;
  readonly #limit: number;
  #written = 0;

  constructor(layout: Layout, limit: number) {
    this.#layout = layout;
    this.#limit = limit;
  }

  write(value: JsonValue): string {
    if (value === null) return this.#count('null');
    if (typeof value === 'string') return this.#quote(value);
    if (typeof value === 'number') return this.#count(Number.isInteger(value) ? integerDigits(value) : floatJson(value));
    if (typeof value === 'boolean') return this.#count(value ? 'true' : 'false');
    if (typeof value === 'bigint') return this.#count(value.toString());
    if (value instanceof PyFloat) return this.#count(floatJson(value.value));
    if (Array.isArray(value)) return this.#array(value);
    if (typeof value === 'object') return this.#object(value);
    throw new TypeError(`cannot write ${typeof value} as JSON`);
  }

  #count(text: string): string {
    this.#add(text.length);
    return text;
  }

  #add(length: number): void {
    this.#written += length;
    if (this.#written > this.#limit) throw OVER_LIMIT;
  }

  #quote(text: string): string {
    // Quoting never shortens: a string already past the room left is not escaped at all.
    if (this.#written + text.length + 2 > this.#limit) throw OVER_LIMIT;
    return this.#count(quote(text));
  }

  // Short arrays and objects are built with +=; a long array (a chain) is joined, since += makes
  // a rope of thousands of pieces that is slow to flatten once it is sent or hashed.
  #array(items: JsonValue[]): string {
    const { comma } = this.#layout;
    this.#add(2 + Math.max(0, items.length - 1) * comma.length);
    if (items.length > JOIN_FROM) {
      const parts = new Array<string>(items.length);
      for (let i = 0; i < items.length; i++) parts[i] = this.write(items[i] as JsonValue);
      return `[${parts.join(comma)}]`;
    }
    let text = '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) text += comma;
      text += this.write(items[i] as JsonValue);
    }
    return text + ']';
  }

  #object(object: JsonObject): string {
    // A parse may have found this object written exactly so already: a peer's block.
    const known = this.#layout === COMPACT ? knownCompactText(object) : knownCanonicalText(object);
    if (known !== undefined) return this.#count(known);
    const { comma, colon, sortKeys } = this.#layout;
    const keys = Object.keys(object);
    if (sortKeys) sortByCodePoint(keys);
    this.#add(2 + Math.max(0, keys.length - 1) * comma.length + keys.length * colon.length);
    let text = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const value = object[key];
      if (value === undefined) throw new TypeError(`cannot write JSON: property ${quote(key)} is undefined`);
      if (i > 0) text += comma;
      // A long name goes through #quote, which refuses to escape what cannot fit.
      text += (key.length > 64 ? this.#quote(key) : this.#count(quoteKey(key))) + colon + this.write(value);
    }
    return text + '}';
  }
}

/** json.dumps writes non-finite floats as these bare words (allow_nan=True). */
function floatJson(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pythonFloatRepr(x);
}

// ensure_ascii: everything outside ' '..'~' is escaped per UTF-16 code unit (no 'u' flag, so
// astral characters come out as surrogate pairs, as Python writes them).
// Control characters are exactly what these match.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\"\x00-\x1f\x7f-\uffff]/;
// eslint-disable-next-line no-control-regex
const ESCAPABLE = /[\\"\x00-\x1f\x7f-\uffff]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function quote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  return `"${text.replace(ESCAPABLE, escapeUnit)}"`;
}

function escapeUnit(unit: string): string {
  return SHORT_ESCAPES[unit] ?? `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Python orders str by code point; JS's default sort uses UTF-16 code units, which puts an
 * astral character (a surrogate pair, 0xD800..) before U+E000..U+FFFF. Code units and code points
 * order alike until a key holds a unit from 0xD800 on, so the native sort does for the rest.
 */
function sortByCodePoint(keys: string[]): void {
  if (keys.length < 2) return;
  for (const key of keys) {
    if (!QUOTED_KEYS.has(key) && SURROGATE_OR_ABOVE.test(key)) {
      keys.sort(compareCodePoints);
      return;
    }
  }
  keys.sort();
}

const SURROGATE_OR_ABOVE = /[\ud800-\uffff]/;

/**
 * Property names quoted, for the names every block repeats (index, proof, sender…), and only
 * names below U+D800, so that one found here needs no code point sort either. Bounded: a peer's
 * distinct names are quoted each time once it is full.
 */
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 256;

/** quote(key), for a name of at most 64 characters. */
function quoteKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS && !SURROGATE_OR_ABOVE.test(key)) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

function compareCodePoints(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // Step back onto a shared high surrogate so i starts a code point in both strings.
  if (i > 0 && isHighSurrogate(a.charCodeAt(i - 1))) i--;
  for (;;) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(i);
    if (x === undefined || y === undefined) return (x === undefined ? 0 : 1) - (y === undefined ? 0 : 1);
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
