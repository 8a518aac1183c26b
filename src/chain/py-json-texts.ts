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

interface KnownText {
  /** toJson's text of the object. */
  compact: string;
  /** Whether no string in it (name or value) holds ',' or ':', so that spacing every one gives canonicalJson's text. */
  spaceable: boolean;
}

const texts = new WeakMap<object, KnownText>();

/** Remembers `compact` as toJson's text of `object`, which the caller has proved it is. */
export function rememberText(object: JsonObject, compact: string, spaceable: boolean): void {
  texts.set(object, { compact, spaceable });
}

/** toJson's text of `object`, if a parse found it written so. */
export function knownCompactText(object: JsonObject): string | undefined {
  return texts.get(object)?.compact;
}

/** canonicalJson's text of `object`, if a parse found it written so and every separator in it is structural. */
export function knownCanonicalText(object: JsonObject): string | undefined {
  const known = texts.get(object);
  if (known === undefined || !known.spaceable) return undefined;
  return known.compact.replace(SEPARATORS, '$& ');
}

const SEPARATORS = /[,:]/g;

/** How many times `char` occurs in `text`. */
export function occurrences(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count++;
  return count;
}
