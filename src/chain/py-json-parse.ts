/**
 * JSON read as the Python reference node's json.loads reads it, numbers kept exact (see
 * py-json.ts for the representation, and for writing it back out byte for byte).
 */
import { PyFloat, toJson, type JsonObject, type JsonValue, type ParseResult } from './py-json.ts';
import { readChainBody } from './py-json-chain.ts';
import { isDigit, NumberReader } from './py-json-numbers.ts';
import { readShortText } from './py-json-short.ts';
import { describe, JsonSyntaxError, StringReader } from './py-json-strings.ts';
import { rememberText } from './py-json-texts.ts';
/** Deep enough for any block; shallow enough that a hostile body cannot overflow the stack. */
const MAX_DEPTH = 512;
/** Property names a parse remembers (see Parser.key): a block and its transactions have a dozen. */
const MAX_KEYS = 64;

export interface ParseOptions {
  /**
   * Remember the text of each object in an array directly inside the top-level value (the blocks
   * of `{"chain": [...]}`) that is written exactly as toJson writes it, so that it is not written
   * again (see py-json-texts.ts). For bodies whose objects are kept as they are: a peer's blocks.
   */
  keepTexts?: boolean;
}

/** Parses JSON as Python's json.loads does, keeping numbers exact; never throws. */
export function parseJson(text: string, options: ParseOptions = {}): ParseResult {
  // Where JSON.parse reads a text as json.loads does, it reads it: a peer's chain in the shape
  // every node writes (py-json-chain.ts), and a short text such as a transaction (py-json-short.ts).
  const native = options.keepTexts === true ? readChainBody(text) : readShortText(text);
  if (native !== undefined) return { ok: true, value: native };
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
  /** Property names met so far, by length, each a plain name (see isPlainName): see key(). */
  private readonly keys = new Map<number, string[]>();
  private keyCount = 0;
  /**
   * The name that came first last time in an object held under a name (the blocks of "chain",
   * the transactions of "transactions"), and the one that came after each name: a chain spells
   * every block alike, so key() mostly needs only to check that the text holds the name foreseen.
   */
  private readonly firsts = new Map<string, string>();
  private readonly follows = new Map<string, string>();
  /** Reads string values, remembering the short ones met in this parse. */
  private readonly strings: StringReader;
  private readonly numbers: NumberReader;
  private readonly keepTexts: boolean;
  /** Whether every token of the value keepText follows (see startText) was as toJson writes it. */
  private canonical = true;

  constructor(text: string, keepTexts: boolean) {
    this.text = text;
    this.strings = new StringReader(text);
    this.numbers = new NumberReader(text, keepTexts);
    this.keepTexts = keepTexts;
  }

  document(): JsonValue {
    const value = this.value(0, '');
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('end of input after the value');
    return value;
  }

  /** depth is the number of arrays and objects this value sits inside; name, the property that holds it (or its array). */
  private value(depth: number, name: string): JsonValue {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x22) return this.string();
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH} at position ${this.pos}`);
      return c === 0x7b ? this.object(depth + 1, name) : this.array(depth + 1, name);
    }
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x6e) return this.literal('null', null);
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x4e) return this.literal('NaN', NaN);
    if (c === 0x49) return this.literal('Infinity', Infinity);
    return this.fail('a value');
  }

  private object(depth: number, name: string): JsonObject {
    const object: JsonObject = {};
    this.pos++; // '{'
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return object;
    }
    let previous: string | undefined;
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('a property name in double quotes');
      const key = previous === undefined ? this.predictedKey(this.firsts, name) : this.predictedKey(this.follows, previous);
      // toJson sorts the names; a name out of order, or twice, is not its text.
      if (previous !== undefined && !(previous < key)) this.canonical = false;
      previous = key;
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("':'");
      this.pos++;
      setProperty(object, key, this.value(depth, key));
      if (this.separator(0x7d)) return object;
      this.skipWhitespace();
    }
  }

  private array(depth: number, name: string): JsonValue[] {
    const items: JsonValue[] = [];
    this.pos++; // '['
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return items;
    }
    const keep = this.keepTexts && depth === 2;
    for (;;) {
      if (keep) {
        const start = this.startText();
        const item = this.value(depth, name);
        this.keepText(item, start);
        items.push(item);
      } else {
        items.push(this.value(depth, name));
      }
      // push leaves room for 16 more: a short array (a block's transactions) is kept at its size.
      if (this.separator(0x5d)) return items.length < 16 ? items.slice() : items;
    }
  }

  /** After an item: consumes ',' (false: more follow) or the closing bracket (true: done). */
  private separator(close: number): boolean {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x2c) {
      this.pos++;
      return false;
    }
    if (c === close) {
      this.pos++;
      return true;
    }
    return this.fail(`',' or '${String.fromCharCode(close)}'`);
  }

  /** A property name, foreseen as the one `predictions` has after `from`; the foresight is then updated. */
  private predictedKey(predictions: Map<string, string>, from: string): string {
    const predicted = predictions.get(from);
    const text = this.text;
    const start = this.pos + 1;
    // A foreseen name is plain: the text holds it when it is followed by the closing quote.
    if (predicted !== undefined && text.startsWith(predicted, start) && text.charCodeAt(start + predicted.length) === 0x22) {
      this.pos = start + predicted.length + 1;
      return predicted;
    }
    const key = this.key();
    if ((predictions.size < MAX_KEYS || predicted !== undefined) && isPlainName(key)) predictions.set(from, key);
    return key;
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
    // Only a plain name: its text is then the name itself, as startsWith compares it, and it
    // holds nothing keepText must hear of (see StringReader's wide and separators).
    if (this.keyCount < MAX_KEYS && isPlainName(key)) {
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

  private number(): JsonValue {
    const start = this.pos;
    if (this.text.charCodeAt(start) === 0x2d && this.text.startsWith('-Infinity', start)) return this.literal('-Infinity', -Infinity);
    const value = this.numbers.read(start);
    if (value === undefined) {
      this.pos = start + 1; // a '-' without digits
      return this.fail('a digit');
    }
    this.pos = this.numbers.end;
    if (!this.numbers.canonical) this.canonical = false;
    return value;
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('a value');
    this.pos += word.length;
    return value;
  }

  private skipWhitespace(): void {
    if (!isWhitespace(this.text.charCodeAt(this.pos))) return; // toJson's text has none
    this.canonical = false;
    do this.pos++;
    while (isWhitespace(this.text.charCodeAt(this.pos)));
  }

  /** Starts following the value about to be read, for keepText; returns where its text starts. */
  private startText(): number {
    this.skipWhitespace();
    this.canonical = true;
    this.strings.wide = false;
    this.strings.separators = false;
    return this.pos;
  }

  /**
   * Remembers the text of `item`, read from `start` on, if it is an object written exactly as
   * toJson writes it: no whitespace, names sorted, numbers as Python writes them (checked as each
   * was read), and strings as ensure_ascii writes them, which a text without a backslash or a
   * character from U+007F on always is. A text that has one is kept only if toJson writes it so.
   * Such characters, and ',' or ':', can only be in its strings, and StringReader notes them.
   */
  private keepText(item: JsonValue, start: number): void {
    if (!this.canonical || typeof item !== 'object' || item === null || Array.isArray(item) || item instanceof PyFloat) return;
    const text = this.text.slice(start, this.pos);
    if (this.strings.wide && toJson(item) !== text) return;
    // No ',' or ':' in a string: spacing every one gives canonicalJson's text.
    rememberText(item, text, !this.strings.separators);
  }

  private fail(expected: string): never {
    const code = this.text.codePointAt(this.pos);
    const found = code === undefined ? 'unexpected end of input' : `unexpected character ${describe(code)}`;
    throw new JsonSyntaxError(`${found} at position ${this.pos} (expected ${expected})`);
  }
}

function setProperty(object: JsonObject, key: string, value: JsonValue): void {
  // Assigning "__proto__" would swap the prototype; a peer's JSON must only ever add data.
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/** Printable ASCII without '"', '\\', ',' or ':': written as it is, and spaced by nothing. */
function isPlainName(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c || code === 0x2c || code === 0x3a) return false;
  }
  return true;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
