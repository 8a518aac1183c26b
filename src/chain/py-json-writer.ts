/**
 * The JSON writer behind canonicalJson, canonicalJsonWithin and toJson (re-exported by
 * py-json.ts): Python's json.dumps with sort_keys=True and ensure_ascii, fast enough to write a
 * node's own 10,000-block chain on every GET /chain.
 *
 * Two things make it fast. Pieces go into an array joined once (per block of a chain), not into
 * a rope of `+=` concatenations that the GC must carry until it is flattened. And objects built
 * alike (blocks, transactions) share a remembered layout: their names sorted and quoted once,
 * with the separators around them, instead of sorted and quoted per object.
 */
import { quote, quoteKey, sortByCodePoint } from './py-json-quote.ts';
import { integerDigits, PyFloat, pythonFloatRepr, type JsonObject, type JsonValue } from './py-json-values.ts';
import { knownCanonicalText, knownCompactText } from './py-json-texts.ts';

/** How one style separates, and the layouts of objects it has met (see KeyLayouts). */
interface Style {
  readonly comma: string;
  readonly colon: string;
  readonly compact: boolean;
  readonly layouts: KeyLayouts;
}

/** Exactly Python's json.dumps(value, sort_keys=True): the text a block's hash is taken of. */
export function canonicalJson(value: JsonValue): string {
  return new Writer(CANONICAL, Infinity).text(value);
}

/**
 * canonicalJson(value) if it is at most `limit` characters long, else undefined, found out without
 * writing much more than `limit`: a peer's block may be far larger as JSON than the body it came
 * in, too large even for a string (see jsonLength). Validation writes each block once, with this.
 */
export function canonicalJsonWithin(value: JsonValue, limit: number): string | undefined {
  try {
    return new Writer(CANONICAL, limit).text(value);
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
  return new Writer(COMPACT, Infinity).text(value);
}

/** Arrays longer than this have each item joined apart (see Writer.#longArray). */
const JOIN_FROM = 32;

/** Thrown inside a Writer whose output passed its limit; never seen outside this module. */
class OverLimit extends Error {}
const OVER_LIMIT = new OverLimit('the JSON is longer than its limit');

/**
 * One serialisation into `parts`. `written` counts what was produced, to stop past `limit`:
 * every piece is counted as it is added, and a string before it is escaped.
 */
class Writer {
  readonly #style: Style;
  readonly #limit: number;
  #parts: string[] = [];
  #written = 0;

  constructor(style: Style, limit: number) {
    this.#style = style;
    this.#limit = limit;
  }

  text(value: JsonValue): string {
    this.#value(value);
    return this.#parts.join('');
  }

  #value(value: JsonValue): void {
    switch (typeof value) {
      case 'string':
        return this.#string(value);
      case 'number':
        return this.#piece(Number.isInteger(value) ? integerDigits(value) : floatJson(value));
      case 'boolean':
        return this.#piece(value ? 'true' : 'false');
      case 'bigint':
        return this.#piece(value.toString());
      case 'object':
        if (value === null) return this.#piece('null');
        if (value instanceof PyFloat) return this.#piece(floatJson(value.value));
        if (Array.isArray(value)) return this.#array(value);
        return this.#object(value);
      default:
        throw new TypeError(`cannot write ${typeof value} as JSON`);
    }
  }

  #piece(text: string): void {
    this.#written += text.length;
    if (this.#written > this.#limit) throw OVER_LIMIT;
    this.#parts.push(text);
  }

  #string(text: string): void {
    // Quoting never shortens: a string already past the room left is not escaped at all.
    if (this.#written + text.length + 2 > this.#limit) throw OVER_LIMIT;
    this.#piece(quote(text));
  }

  #array(items: JsonValue[]): void {
    if (items.length > JOIN_FROM) return this.#longArray(items);
    const { comma } = this.#style;
    this.#piece('[');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.#piece(comma);
      this.#value(items[i] as JsonValue);
    }
    this.#piece(']');
  }

  // A chain's blocks are each written into parts of their own and joined: the whole chain's
  // parts in one array took longer to grow and join than these short joins take, and the
  // array and its pieces die young instead of outliving a scavenge or two.
  #longArray(items: JsonValue[]): void {
    const { comma } = this.#style;
    const outer = this.#parts;
    this.#piece('[');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.#piece(comma);
      this.#parts = [];
      this.#value(items[i] as JsonValue);
      outer.push(this.#parts.join(''));
      this.#parts = outer;
    }
    this.#piece(']');
  }

  #object(object: JsonObject): void {
    // A parse may have found this object written exactly so already: a peer's block.
    const known = this.#style.compact ? knownCompactText(object) : knownCanonicalText(object);
    if (known !== undefined) return this.#piece(known);
    const keys = Object.keys(object);
    if (keys.length === 0) return this.#piece('{}');
    const layout = this.#style.layouts.of(keys);
    if (layout !== undefined) return this.#laidOut(object, layout);
    sortByCodePoint(keys);
    const { comma, colon } = this.#style;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      this.#piece(i === 0 ? '{' : comma);
      // A long name goes through #string, which refuses to escape what cannot fit.
      if (key.length > MAX_KEY_LENGTH) this.#string(key);
      else this.#piece(quoteKey(key));
      this.#piece(colon);
      this.#value(defined(object, key));
    }
    this.#piece('}');
  }

  #laidOut(object: JsonObject, { sorted, heads }: KeyLayout): void {
    for (let i = 0; i < sorted.length; i++) {
      this.#piece(heads[i] as string);
      this.#value(defined(object, sorted[i] as string));
    }
    this.#piece('}');
  }
}

function defined(object: JsonObject, key: string): JsonValue {
  const value = object[key];
  if (value === undefined) throw new TypeError(`cannot write JSON: property ${quote(key)} is undefined`);
  return value;
}

/** json.dumps writes non-finite floats as these bare words (allow_nan=True). */
function floatJson(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pythonFloatRepr(x);
}

// ---------------------------------------------------------------------------------------------
// Layouts: the sorted, quoted names of objects built alike

/** Names longer than this are quoted as strings are (see Writer.#string), never remembered. */
const MAX_KEY_LENGTH = 64;
/** Objects with more names than this are sorted each time: blocks have 5, transactions 3. */
const MAX_LAYOUT_KEYS = 16;
/** How many layouts a style remembers: a chain's response needs three or four. */
const MAX_LAYOUTS = 8;

interface KeyLayout {
  /** The names as Object.keys gave them: the order an object built alike gives them in. */
  readonly keys: readonly string[];
  /** The names by code point, as json.dumps sorts them. */
  readonly sorted: readonly string[];
  /** What goes before each value: '{' or the comma, the quoted name and the colon. */
  readonly heads: readonly string[];
}

/**
 * The last few key lists a style met, each with its names sorted and quoted. A list matches
 * only name for name in the same order (most often the same interned strings), so two objects
 * differing in one name never share a layout. Bounded: past MAX_LAYOUTS the oldest is replaced,
 * so a peer's many distinct key sets cost a short scan and a sort each, and grow nothing.
 */
class KeyLayouts {
  readonly #comma: string;
  readonly #colon: string;
  readonly #layouts: KeyLayout[] = [];
  #next = 0;

  constructor(comma: string, colon: string) {
    this.#comma = comma;
    this.#colon = colon;
  }

  get size(): number {
    return this.#layouts.length;
  }

  /** The layout of `keys`, remembered if it may be; undefined for lists too long or names too long. */
  of(keys: readonly string[]): KeyLayout | undefined {
    for (const layout of this.#layouts) if (sameKeys(layout.keys, keys)) return layout;
    if (keys.length > MAX_LAYOUT_KEYS || keys.some((key) => key.length > MAX_KEY_LENGTH)) return undefined;
    const layout = this.#layoutOf(keys);
    this.#layouts[this.#next] = layout;
    this.#next = (this.#next + 1) % MAX_LAYOUTS;
    return layout;
  }

  #layoutOf(keys: readonly string[]): KeyLayout {
    const sorted = [...keys];
    sortByCodePoint(sorted);
    const heads = sorted.map((key, i) => `${i === 0 ? '{' : this.#comma}${quote(key)}${this.#colon}`);
    return { keys: [...keys], sorted, heads };
  }
}

/** How many layouts the two styles remember together: for tests, which check that it stays bounded. */
export function rememberedLayouts(): number {
  return CANONICAL.layouts.size + COMPACT.layouts.size;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const CANONICAL: Style = { comma: ', ', colon: ': ', compact: false, layouts: new KeyLayouts(', ', ': ') };
const COMPACT: Style = { comma: ',', colon: ':', compact: true, layouts: new KeyLayouts(',', ':') };
