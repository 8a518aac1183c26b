/**
 * The reading of JSON numbers for py-json-parse.ts, as Python's json.loads reads them: integer
 * tokens exact (number or bigint), float tokens as doubles (PyFloat when integral), and whether
 * each token is written as Python writes that number (for keepTexts).
 */
import { pyFloat, pythonFloatRepr, type JsonValue } from './py-json.ts';
import { JsonSyntaxError } from './py-json-strings.ts';

/** Python 3.11 refuses to convert longer digit strings to int; refusing them too keeps us in step. */
const MAX_INT_DIGITS = 4300;
/** Digits (sign and point aside) a decimal may have for the arithmetic of readFraction: below 2^53, and 15 is DBL_DIG. */
const MAX_EXACT_DIGITS = 15;
/** Exact powers of ten, 10^0 to 10^15. */
const POWERS_OF_TEN = Array.from({ length: MAX_EXACT_DIGITS + 1 }, (_, k) => 10 ** k);

/** Reads the numbers of one text; `end` and `canonical` describe the number last read. */
export class NumberReader {
  private readonly text: string;
  /** Whether `canonical` is wanted (keepTexts): it costs a repr() for floats not plainly canonical. */
  private readonly checkTexts: boolean;
  /** The position just past the number last read. */
  end = 0;
  /** Whether the number last read is written as Python writes it: no -0, no 1.50, no 1e5. */
  canonical = true;

  constructor(text: string, checkTexts: boolean) {
    this.text = text;
    this.checkTexts = checkTexts;
  }

  /**
   * The number whose token starts at `start` ('-' or a digit), as the grammar
   * `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?` reads it: a '.' or an 'e' not followed as it
   * requires ends the number before it. Returns undefined for a '-' without digits after it.
   */
  read(start: number): JsonValue | undefined {
    const text = this.text;
    const negative = text.charCodeAt(start) === 0x2d;
    let pos = negative ? start + 1 : start;
    const first = text.charCodeAt(pos);
    if (!isDigit(first)) return undefined;
    // Up to 15 digits are exact in a double: the common case is added up as it is read.
    let value = first - 0x30;
    pos++;
    if (first !== 0x30) {
      for (let code = text.charCodeAt(pos); isDigit(code); code = text.charCodeAt(++pos)) value = value * 10 + (code - 0x30);
    }
    const intEnd = pos;
    const next = text.charCodeAt(pos);
    if (next === 0x2e && isDigit(text.charCodeAt(pos + 1))) return this.readFraction(start, intEnd, value, negative);
    if (next === 0x65 || next === 0x45) {
      const end = this.exponentEnd(pos);
      if (end !== pos) return this.readFloat(start, end);
    }
    this.end = pos;
    this.canonical = true;
    if (intEnd - start - (negative ? 1 : 0) <= MAX_EXACT_DIGITS) {
      if (negative && value === 0) {
        this.canonical = false; // "-0", which Python writes as 0
        return 0; // Python has no int -0
      }
      return negative ? -value : value;
    }
    return integer(text.slice(start, pos), start);
  }

  /**
   * A number with a fraction, `value` being its integer part. When it has at most 15 digits and no
   * exponent, both the digits and the power of ten dividing them are exact doubles, so the one
   * division rounds as Number() of the token does; and no two such decimals are one double, so
   * repr()'s shortest digits are the token's own: it is Python's text unless it ends in a 0 (or is
   * below 1e-4, where repr() writes an exponent), as it may for 1733212345.123456.
   */
  private readFraction(start: number, intEnd: number, value: number, negative: boolean): JsonValue {
    const text = this.text;
    let pos = intEnd + 1;
    let digits = value;
    for (let code = text.charCodeAt(pos); isDigit(code); code = text.charCodeAt(++pos)) digits = digits * 10 + (code - 0x30);
    const e = text.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      const end = this.exponentEnd(pos);
      if (end !== pos) return this.readFloat(start, end);
    }
    const fractionDigits = pos - intEnd - 1;
    if (intEnd - start - (negative ? 1 : 0) + fractionDigits > MAX_EXACT_DIGITS) return this.readFloat(start, pos);
    const magnitude = digits / POWERS_OF_TEN[fractionDigits]!;
    const x = negative ? -magnitude : magnitude;
    this.end = pos;
    this.canonical = text.charCodeAt(pos - 1) !== 0x30 && magnitude >= 1e-4;
    // The few that are not plainly Python's text (0.50, 1e-05 written 0.00001) are asked repr().
    if (!this.canonical && this.checkTexts) this.canonical = pythonFloatRepr(x) === text.slice(start, pos);
    return pyFloat(x);
  }

  /** Any float token, `start` to `end`, as Number() reads it. */
  private readFloat(start: number, end: number): JsonValue {
    const token = this.text.slice(start, end);
    const x = Number(token);
    this.end = end;
    // Python writes a float as repr() does: 1.50, 1e5 or 1E+05 are not its text.
    this.canonical = !this.checkTexts || (Number.isFinite(x) && pythonFloatRepr(x) === token);
    return pyFloat(x);
  }

  /** The end of the exponent whose 'e' is at `at`, or `at` when what follows is not one. */
  private exponentEnd(at: number): number {
    const text = this.text;
    const sign = text.charCodeAt(at + 1);
    let pos = sign === 0x2b || sign === 0x2d ? at + 2 : at + 1;
    if (!isDigit(text.charCodeAt(pos))) return at;
    while (isDigit(text.charCodeAt(pos))) pos++;
    return pos;
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

/** Whether `code` is the char code of '0' to '9'. */
export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
