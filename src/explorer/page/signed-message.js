// @ts-check
// TX_RULE=signed's wire format, written in the browser exactly as the node reads it
// (src/chain/signed-rules.ts): the signed text is Python's json.dumps(sort_keys=True) of
// {amount, nonce, recipient, sender}, so an amount keeps its form (5 and 5.0 sign differently).
// Pure: no DOM, no WebCrypto; test/explorer/signed-message.test.ts runs it against the vectors.

/** An address: the 64-hex-digit raw Ed25519 public key. */
export const ADDRESS = /^[0-9a-f]{64}$/;
/** A signature: 64 bytes, as 128 hex digits. */
export const SIGNATURE = /^[0-9a-f]{128}$/;
/** A JSON number token, as a form may hold one and as the page's parse keeps an amount (dom.js). */
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

/**
 * A JSON number as Python's json.dumps writes the value json.loads made of it: an integer token as
 * its digits (exact however long), any other token as repr of the float (5.00 and 5e0 give 5.0,
 * 1e16 gives 1e+16). Undefined when `token` is not a JSON number.
 * @param {string} token
 */
export function pythonNumber(token) {
  const match = NUMBER.exec(token);
  if (match === null) return undefined;
  if (match[2] === undefined && match[3] === undefined) return token === '-0' ? '0' : token;
  const value = Number(token);
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return pythonFloatRepr(value);
}

/**
 * Python's repr(float), for a finite value: the shortest digits that round-trip, in fixed notation
 * from 1e-4 up to 1e16 and in exponent notation outside (a port of pythonFloatRepr in py-json.ts).
 * @param {number} x
 */
export function pythonFloatRepr(x) {
  if (!Number.isInteger(x) && Math.abs(x) >= 1e-4) return String(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const exponential = Math.abs(x).toExponential();
  const e = exponential.indexOf('e');
  const digits = exponential.slice(0, e).replace('.', '');
  const decpt = Number(exponential.slice(e + 1)) + 1; // digits are 0.d1d2... x 10^decpt
  if (decpt <= -4 || decpt > 16) {
    const exponent = decpt - 1;
    const mantissa = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    return sign + mantissa + 'e' + (exponent < 0 ? '-' : '+') + String(Math.abs(exponent)).padStart(2, '0');
  }
  if (decpt <= 0) return sign + '0.' + '0'.repeat(-decpt) + digits;
  if (decpt >= digits.length) return sign + digits + '0'.repeat(decpt - digits.length) + '.0';
  return sign + digits.slice(0, decpt) + '.' + digits.slice(decpt);
}

/**
 * An amount as Python writes it. The page's parse hands a block's amount over as the text the node
 * wrote (dom.js); a browser without JSON.parse source text gives a number, and then an integral
 * float (5.0) cannot be told from an integer, so it is written as one.
 * @param {unknown} amount
 */
function amountText(amount) {
  if (typeof amount === 'string') return pythonNumber(amount);
  if (typeof amount === 'number' && Number.isFinite(amount)) {
    return Number.isSafeInteger(amount) ? String(amount === 0 ? 0 : amount) : pythonFloatRepr(amount);
  }
  return undefined;
}

/** @typedef {{ ok: true, message: string, amount: string } | { ok: false, reason: string }} MessageVerdict `amount`: as the message writes it */

/**
 * The text a sender signs, from a transaction's four signed fields, or why there is none: under
 * TX_RULE=signed anything else is refused before its signature is looked at, as the node does.
 * @param {{ sender?: unknown, recipient?: unknown, amount?: unknown, nonce?: unknown }} fields
 * @returns {MessageVerdict}
 */
export function signedMessage({ sender, recipient, amount, nonce }) {
  if (typeof sender !== 'string' || !ADDRESS.test(sender)) return { ok: false, reason: 'the sender is not an address (64 hex digits)' };
  if (typeof recipient !== 'string' || !ADDRESS.test(recipient))
    return { ok: false, reason: 'the recipient is not an address (64 hex digits)' };
  const written = amountText(amount);
  if (written === undefined) return { ok: false, reason: 'the amount is not a number' };
  if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 1)
    return { ok: false, reason: 'the nonce is not a whole number from 1' };
  // Keys in sorted order, with json.dumps' ", " and ": "; hex strings need no escaping.
  const message = '{"amount": ' + written + ', "nonce": ' + nonce + ', "recipient": "' + recipient + '", "sender": "' + sender + '"}';
  return { ok: true, message, amount: written };
}

/**
 * The body of POST /transactions/new for a signed transaction, written by hand so that the amount
 * goes out in the form that was signed (JSON.stringify would turn 5.0 into 5).
 * @param {{ sender: string, recipient: string, amount: string, nonce: number, signature: string }} signed `amount` as signedMessage wrote it
 */
export function signedBody({ sender, recipient, amount, nonce, signature }) {
  return (
    '{"sender":' +
    JSON.stringify(sender) +
    ',"recipient":' +
    JSON.stringify(recipient) +
    ',"amount":' +
    amount +
    ',"nonce":' +
    nonce +
    ',"signature":' +
    JSON.stringify(signature) +
    '}'
  );
}

/** @param {ArrayBuffer | Uint8Array} bytes */
export function toHex(bytes) {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The bytes of an even-length lowercase hex string (the page checks its length first).
 * @param {string} hex
 */
export function fromHex(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
