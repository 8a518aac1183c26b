// Values as the Python reference node's json module reads them, and Python's str() and repr() of
// them: see py-json.ts, which is where the rest of chainlab finds them.

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
export function integerDigits(x: number): string {
  return Number.isSafeInteger(x) ? String(x === 0 ? 0 : x) : BigInt(x).toString();
}
