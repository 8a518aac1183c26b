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

/** Its constructor hands back the object it is given, so that `new TextStamp(object)` stamps that object. */
class Stamp {
  constructor(object: object) {
    return object;
  }
}

/**
 * Each object's KnownText, in a private field stamped onto the object itself rather than in a
 * WeakMap: V8 adds it as it adds any property, where the WeakMap's entries took a fifth of the
 * parse of the bench's 10,000-block chain. Nothing but get() sees the field: not Object.keys,
 * Reflect.ownKeys, toEqual, JSON.stringify or structuredClone (a clone has no text).
 */
class TextStamp extends Stamp {
  #known: KnownText | undefined;

  static get(object: object): KnownText | undefined {
    return #known in object ? object.#known : undefined;
  }

  static set(object: object, known: KnownText): void {
    if (#known in object) object.#known = known;
    else new TextStamp(object).#known = known;
  }
}

/** Where the texts are kept: get and set as a WeakMap's. */
const texts = TextStamp;

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
