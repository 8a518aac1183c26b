/**
 * JSON read as the Python reference node's json.loads reads it, numbers kept exact (see
 * py-json.ts for the representation, and for writing it back out byte for byte).
 */
import { pyFloat, PyFloat, pythonFloatRepr, toJson, type JsonObject, type JsonValue, type ParseResult } from './py-json.ts';
import { describe, JsonSyntaxError, StringReader } from './py-json-strings.ts';
import { occurrences, rememberText } from './py-json-texts.ts';
/** Deep enough for any block; shallow enough that a hostile body cannot overflow the stack. */
const MAX_DEPTH = 512;
/** Property names a parse remembers (see Parser.key): a block and its transactions have a dozen. */
const MAX_KEYS = 64;
/** Python 3.11 refuses to convert longer digit strings to int; refusing them too keeps us in step. */
const MAX_INT_DIGITS = 4300;

export interface ParseOptions {
  /**
   * Remember the text of each object in an array directly inside the top-level value (the blocks
   * of `{"chain": [...]}`) that is written exactly as toJson writes it, so that it is not written
   * again (see py-json-texts.ts). For bodies whose objects are kept as they are: a peer's blocks.
   */
  keepTexts?: boolean;
}

// A backslash (an escape) or a character that Python's ensure_ascii would escape: a text holding
// one is canonical only if toJson writes it so.
const ESCAPED_OR_WIDE = /[\\\u007f-\uffff]/;

/** Parses JSON as Python's json.loads does, keeping numbers exact; never throws. */
export function parseJson(text: string, options: ParseOptions = {}): ParseResult {
  try {
    return { ok: true, value: new Parser(text, options.keepTexts === true).document() };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
}

class Parser {
  private readonly text: string;
  private pos = 0;
  /** Property names met so far, by length, without escapes: see key(). */
  private readonly keys = new Map<number, string[]>();
  private keyCount = 0;
  /** Reads string values, remembering the short ones met in this parse. */
  private readonly strings: StringReader;
  private readonly keepTexts: boolean;
  // What keepText needs to know of the value being read, since it started (see startText): whether
  // every token so far was as toJson writes it, and how many ':' and ',' of the text are structural.
  private canonical = true;
  private colons = 0;
  private commas = 0;

  constructor(text: string, keepTexts: boolean) {
    this.text = text;
    this.strings = new StringReader(text);
    this.keepTexts = keepTexts;
  }

  document(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('end of input after the value');
    return value;
  }

  /** depth is the number of arrays and objects this value sits inside. */
  private value(depth: number): JsonValue {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '"') return this.string();
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH} at position ${this.pos}`);
      return c === '{' ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (c === 'n') return this.literal('null', null);
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'N') return this.literal('NaN', NaN);
    if (c === 'I') return this.literal('Infinity', Infinity);
    return this.fail('a value');
  }

  private object(depth: number): JsonObject {
    const object: JsonObject = {};
    this.pos++; // '{'
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return object;
    }
    let previous: string | undefined;
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('a property name in double quotes');
      const key = this.key();
      // toJson sorts the names; a name out of order, or twice, is not its text.
      if (previous !== undefined && !(previous < key)) this.canonical = false;
      previous = key;
      this.colons++;
      this.skipWhitespace();
      this.expect(':');
      setProperty(object, key, this.value(depth));
      if (this.separator('}')) return object;
      this.skipWhitespace();
    }
  }

  private array(depth: number): JsonValue[] {
    const items: JsonValue[] = [];
    this.pos++; // '['
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    const keep = this.keepTexts && depth === 2;
    for (;;) {
      if (keep) {
        const start = this.startText();
        const item = this.value(depth);
        this.keepText(item, start);
        items.push(item);
      } else {
        items.push(this.value(depth));
      }
      // push leaves room for 16 more: a short array (a block's transactions) is kept at its size.
      if (this.separator(']')) return items.length < 16 ? items.slice() : items;
    }
  }

  /** After an item: consumes ',' (false: more follow) or the closing bracket (true: done). */
  private separator(close: string): boolean {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === ',' || c === close) {
      this.pos++;
      if (c === ',') this.commas++;
      return c === close;
    }
    return this.fail(`',' or '${close}'`);
  }

  /**
   * A property name. The few names a chain repeats (index, proof, sender…) are taken from `keys`
   * rather than cut out of the text again for every block: no new string, and the one V8 already
   * has as a property name. At most MAX_KEYS are kept, so a body of distinct names cannot grow it.
   */
  private key(): string {
    const start = this.pos + 1;
    const end = this.text.indexOf('"', start);
    const candidates = end === -1 ? undefined : this.keys.get(end - start);
    if (candidates !== undefined) {
      for (const known of candidates) {
        if (this.text.startsWith(known, start)) {
          this.pos = end + 1;
          return known;
        }
      }
    }
    const key = this.string();
    // Only a name written without escapes: its text is then the name itself, as startsWith compares it.
    if (this.pos === end + 1 && key.length === end - start && this.keyCount < MAX_KEYS) {
      this.keyCount++;
      const same = this.keys.get(key.length);
      if (same === undefined) this.keys.set(key.length, [key]);
      else same.push(key);
    }
    return key;
  }

  private string(): string {
    const value = this.strings.read(this.pos);
    this.pos = this.strings.end;
    return value;
  }

  /** As the grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`: a '.' or an 'e' not followed as it requires ends the number before it. */
  private number(): JsonValue {
    const text = this.text;
    const start = this.pos;
    if (text.startsWith('-Infinity', start)) return this.literal('-Infinity', -Infinity);
    let pos = text.charCodeAt(start) === 0x2d ? start + 1 : start;
    const first = text.charCodeAt(pos);
    if (!isDigit(first)) {
      this.pos = start + 1; // a '-' without digits
      return this.fail('a digit');
    }
    // Up to 15 digits are exact in a double: the common case is added up as it is read.
    let value = first - 0x30;
    pos++;
    if (first !== 0x30) {
      while (isDigit(text.charCodeAt(pos))) value = value * 10 + (text.charCodeAt(pos++) - 0x30);
    }
    const intEnd = pos;
    let float = false;
    if (text.charCodeAt(pos) === 0x2e && isDigit(text.charCodeAt(pos + 1))) {
      float = true;
      pos += 2;
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    const e = text.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      const sign = text.charCodeAt(pos + 1);
      const digitAt = sign === 0x2b || sign === 0x2d ? pos + 2 : pos + 1;
      if (isDigit(text.charCodeAt(digitAt))) {
        float = true;
        pos = digitAt + 1;
        while (isDigit(text.charCodeAt(pos))) pos++;
      }
    }
    this.pos = pos;
    if (float) {
      const token = text.slice(start, pos);
      const x = Number(token);
      // Python writes a float as repr() does: 1.50, 1e5 or 1E+05 are not its text.
      if (this.keepTexts && !(Number.isFinite(x) && pythonFloatRepr(x) === token)) this.canonical = false;
      return pyFloat(x);
    }
    const negative = text.charCodeAt(start) === 0x2d;
    if (intEnd - start - (negative ? 1 : 0) <= 15) {
      if (negative && value === 0) {
        this.canonical = false; // "-0", which Python writes as 0
        return 0; // Python has no int -0
      }
      return negative ? -value : value;
    }
    return integer(text.slice(start, pos), start);
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('a value');
    this.pos += word.length;
    return value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`'${c}'`);
    this.pos++;
  }

  private skipWhitespace(): void {
    const start = this.pos;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
      this.pos++;
    }
    if (this.pos !== start) this.canonical = false; // toJson writes none
  }

  /** Starts following the value about to be read, for keepText; returns where its text starts. */
  private startText(): number {
    this.skipWhitespace();
    this.canonical = true;
    this.colons = 0;
    this.commas = 0;
    return this.pos;
  }

  /**
   * Remembers the text of `item`, read from `start` on, if it is an object written exactly as
   * toJson writes it: no whitespace, names sorted, numbers as Python writes them (checked as each
   * was read), and strings as ensure_ascii writes them, which a text without a backslash or a
   * character from U+007F on always is. A text that has one is kept only if toJson writes it so.
   */
  private keepText(item: JsonValue, start: number): void {
    if (!this.canonical || typeof item !== 'object' || item === null || Array.isArray(item) || item instanceof PyFloat) return;
    const text = this.text.slice(start, this.pos);
    if (ESCAPED_OR_WIDE.test(text) && toJson(item) !== text) return;
    // Every ':' and ',' structural: no string holds one, so spacing them all gives canonicalJson's text.
    const spaceable = occurrences(text, ':') === this.colons && occurrences(text, ',') === this.commas;
    rememberText(item, text, spaceable);
  }

  private fail(expected: string): never {
    const code = this.text.codePointAt(this.pos);
    const found = code === undefined ? 'unexpected end of input' : `unexpected character ${describe(code)}`;
    throw new JsonSyntaxError(`${found} at position ${this.pos} (expected ${expected})`);
  }
}

function integer(token: string, at: number): number | bigint {
  const digits = token.startsWith('-') ? token.length - 1 : token.length;
  if (digits > MAX_INT_DIGITS) {
    throw new JsonSyntaxError(`integer with more than ${MAX_INT_DIGITS} digits at position ${at}`);
  }
  const n = Number(token);
  // A token past 2^53 - 1 always rounds to 2^53 or more, so this test never takes an inexact value.
  if (Number.isSafeInteger(n)) return n === 0 ? 0 : n; // Python has no int -0
  return BigInt(token);
}

function setProperty(object: JsonObject, key: string, value: JsonValue): void {
  // Assigning "__proto__" would swap the prototype; a peer's JSON must only ever add data.
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
