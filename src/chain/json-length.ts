import { PyFloat, pythonFloatRepr, type JsonValue } from './py-json.ts';

/** Which of py-json's two writers is measured: canonicalJson (', ' and ': ') or toJson (',' and ':'). */
export type JsonLayout = 'canonical' | 'compact';

/**
 * The length of `value` written by canonicalJson or toJson, counted without writing it: a peer's
 * block may be far larger as JSON than the body it came in (each 'é' is written `\u00e9`), too
 * large even for a string. The count stops once it passes `limit`: the result is exact up to
 * `limit`, and past it some number above `limit`. Keys are counted in any order: sorting them
 * moves them, it does not change the length. Both writers escape alike (ASCII only).
 */
export function jsonLength(value: JsonValue, layout: JsonLayout, limit = Infinity): number {
  const weight = layout === 'canonical' ? 2 : 1;
  const { chars, separators } = countJson(value, weight, limit);
  return chars + weight * separators;
}

/** Both writers' lengths of `value`, from one walk: a pooled transaction is measured both ways. */
export interface JsonLengths {
  compact: number;
  canonical: number;
}

/** jsonLength in both layouts at once: canonicalJson writes one space more after each separator toJson writes. */
export function jsonLengths(value: JsonValue): JsonLengths {
  const { chars, separators } = countJson(value, 1, Infinity);
  return { compact: chars + separators, canonical: chars + 2 * separators };
}

/**
 * The characters of `value` as JSON but its ',' and ':' separators, and how many of those there
 * are: a layout writes each separator in `weight` characters. Stops once the total passes `limit`.
 */
function countJson(value: JsonValue, weight: number, limit: number): { chars: number; separators: number } {
  let chars = 0;
  let separators = 0;
  const count = (item: JsonValue): void => {
    if (chars + weight * separators > limit) return;
    if (Array.isArray(item)) {
      chars += 2;
      separators += Math.max(0, item.length - 1);
      for (const element of item) count(element);
    } else if (typeof item === 'object' && item !== null && !(item instanceof PyFloat)) {
      const keys = Object.keys(item);
      chars += 2;
      separators += Math.max(0, keys.length - 1) + keys.length;
      for (const key of keys) {
        chars += quotedLength(key);
        count(item[key]!);
      }
    } else {
      chars += scalarLength(item);
    }
  };
  count(value);
  return { chars, separators };
}

function scalarLength(value: null | boolean | string | number | bigint | PyFloat): number {
  if (value === null) return 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (typeof value === 'string') return quotedLength(value);
  if (typeof value === 'bigint') return value.toString().length;
  const number = typeof value === 'number' ? value : value.value;
  if (Number.isNaN(number)) return 3; // NaN
  if (!Number.isFinite(number)) return number > 0 ? 8 : 9; // Infinity, -Infinity
  if (typeof value === 'number' && Number.isInteger(value)) return integerLength(value);
  return pythonFloatRepr(number).length;
}

/** An integral number as py-json writes an int: its digits, exact past 2^53, and '0' for -0. */
function integerLength(value: number): number {
  if (value === 0) return 1;
  return Number.isSafeInteger(value) ? String(value).length : BigInt(value).toString().length;
}

// What py-json escapes: everything outside ' '..'~', and '"' and '\'.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\"\x00-\x1f\x7f-\uffff]/;

/** A string's length once quoted and escaped: 2 characters for a short escape, 6 for \uXXXX. */
function quotedLength(text: string): number {
  if (!NEEDS_ESCAPE.test(text)) return text.length + 2;
  let length = 2;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x7f)
      length += unit === 0x22 || unit === 0x5c ? 2 : 1; // \" and \\
    else length += unit >= 0x08 && unit <= 0x0d && unit !== 0x0b ? 2 : 6; // \b \t \n \f \r, or \uXXXX
  }
  return length;
}
