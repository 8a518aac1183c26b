// Strings and property names as Python's json.dumps writes them, with ensure_ascii and sort_keys:
// for the writer (py-json-writer.ts).

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

export function quote(text: string): string {
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
export function sortByCodePoint(keys: string[]): void {
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
 * Property names quoted, for the names objects outside a layout repeat, and only names below
 * U+D800, so that one found here needs no code point sort either. Bounded: a peer's distinct
 * names are quoted each time once it is full.
 */
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 256;

/** quote(key), for a name of at most MAX_KEY_LENGTH characters. */
export function quoteKey(key: string): string {
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
