/**
 * The texts a parse found already written as py-json writes them, kept so that nothing has to
 * write them again: a peer's 10,000 blocks arrive as 2.7 MB of exactly the JSON this node would
 * send on (toJson, Flask's compact form), and, with ', ' and ': ' put back, as exactly the JSON
 * their hashes are taken of (canonicalJson). The parser (py-json-parse.ts, with keepTexts) proves
 * each text canonical as it reads it; the writer (py-json.ts) hands it out instead of writing.
 *
 * A text is kept per object, and an object must not change once parsed: the blocks of a chain
 * never do (block-hash-cache.ts relies on that too). The text is a slice of the body it came in,
 * which V8 keeps as a view: the chain's blocks keep that one body alive, and nothing more.
 */
import type { JsonObject } from './py-json.ts';
import { stamps } from './stamps.ts';

/**
 * A text kept: the string itself when every separator in it is structural (no string in it, name
 * or value, holds ',' or ':'), so that spacing every one gives canonicalJson's text; otherwise
 * wrapped, and only ever written out as it is. Nearly every block's text is the former, and costs
 * no object of its own.
 */
type KnownText = string | { unspaceable: string };

/** Where the texts are kept (see stamps.ts): as a WeakMap would, without its table. */
const texts = stamps<KnownText>();

/** Remembers `compact` as toJson's text of `object`, which the caller has proved it is. */
export function rememberText(object: JsonObject, compact: string, spaceable: boolean): void {
  texts.set(object, spaceable ? compact : { unspaceable: compact });
}

/** toJson's text of `object`, if a parse found it written so. */
export function knownCompactText(object: JsonObject): string | undefined {
  const known = texts.get(object);
  return typeof known === 'string' ? known : known?.unspaceable;
}

/** knownCompactText, if every separator in it is structural. */
function spaceableText(object: JsonObject): string | undefined {
  const known = texts.get(object);
  return typeof known === 'string' ? known : undefined;
}

/** Whether knownCanonicalText has a text for `object`. */
export function hasCanonicalText(object: JsonObject): boolean {
  return spaceableText(object) !== undefined;
}

/** The length of knownCanonicalText's text, counted rather than written. */
export function knownCanonicalLength(object: JsonObject): number | undefined {
  const compact = spaceableText(object);
  if (compact === undefined) return undefined;
  let length = compact.length;
  for (let at = compact.indexOf(','); at !== -1; at = compact.indexOf(',', at + 1)) length++;
  for (let at = compact.indexOf(':'); at !== -1; at = compact.indexOf(':', at + 1)) length++;
  return length;
}

/** canonicalJson's text of `object`, if a parse found it written so and every separator in it is structural. */
export function knownCanonicalText(object: JsonObject): string | undefined {
  return spaceableText(object)?.replace(SEPARATORS, '$& ');
}

const SEPARATORS = /[,:]/g;

/**
 * canonicalJson's text of `object` as bytes, if a parse found it written so, every separator in
 * it is structural and it is at most `limit` bytes: knownCanonicalText's string, never built.
 * All a block's check needs is the hash and the length, and putting the spaces back into bytes
 * costs less than half what the regex does. The bytes are a view of a scratch buffer, good
 * until the next call.
 */
export function knownCanonicalBytes(object: JsonObject, limit: number): Uint8Array | undefined {
  const compact = spaceableText(object);
  // Spacing never shortens: a text already past the limit is refused here without being spaced.
  if (compact === undefined || compact.length > limit) return undefined;
  const bytes = spacedBytes(compact);
  return bytes !== undefined && bytes.length <= limit ? bytes : undefined;
}

/** Scratch buffers up to this size are kept for the next text; a larger one is let go. */
const KEPT_SCRATCH_BYTES = 1 << 16;

/** A text's bytes as read (`raw`, room for `size` / 2 characters as one byte each) and spaced (`out`, `size`). */
class Scratch {
  readonly raw: Uint8Array;
  readonly rawView: DataView;
  readonly out: Uint8Array;
  readonly outView: DataView;

  constructor(size: number) {
    this.raw = new Uint8Array(size / 2 + 4);
    this.rawView = new DataView(this.raw.buffer);
    this.out = new Uint8Array(size + 4);
    this.outView = new DataView(this.out.buffer);
  }
}

let scratch = new Scratch(4096);

/**
 * `text` as bytes with a space after every ',' and ':', or undefined if it is not ASCII (a kept
 * text never is, py-json escapes the rest). The bytes are copied four at a time where none of
 * the four is a separator: most are, in a block.
 */
export function spacedBytes(text: string): Uint8Array | undefined {
  const buffers = text.length * 2 <= scratch.out.length ? scratch : new Scratch(text.length * 2);
  if (buffers.out.length <= KEPT_SCRATCH_BYTES) scratch = buffers;
  const { raw, rawView, out, outView } = buffers;
  const { read, written } = ASCII.encodeInto(text, raw);
  if (read !== text.length || written !== text.length) return undefined;
  let length = 0;
  let i = 0;
  for (; i + 4 <= written; i += 4) {
    const four = rawView.getInt32(i, true);
    if (hasSeparator(four)) {
      for (let j = i; j < i + 4; j++) length = copySpaced(raw[j]!, out, length);
    } else {
      outView.setInt32(length, four, true);
      length += 4;
    }
  }
  for (; i < written; i++) length = copySpaced(raw[i]!, out, length);
  return out.subarray(0, length);
}

const ASCII = new TextEncoder();

/** Writes `byte` at `at` of `out`, and a space after it if it is a separator; returns where the next byte goes. */
function copySpaced(byte: number, out: Uint8Array, at: number): number {
  out[at++] = byte;
  if (byte === 0x2c || byte === 0x3a) out[at++] = 0x20;
  return at;
}

/** Whether any of the four bytes of `four` is ',' or ':' (the zero-byte test on each, bitwise). */
function hasSeparator(four: number): boolean {
  const commas = four ^ 0x2c2c2c2c;
  const colons = four ^ 0x3a3a3a3a;
  return ((((commas - 0x01010101) & ~commas) | ((colons - 0x01010101) & ~colons)) & 0x80808080) !== 0;
}
