// @ts-check
// Whether a transaction's signature checks out, worked out in this browser with WebCrypto's Ed25519
// rather than taken from the node: the page shows what anyone can check for themselves. Each
// verdict is kept (the chain is redrawn on every event), up to a bound.
import { el } from './dom.js';
import { fromHex, SIGNATURE, signedMessage } from './signed-message.js';

/** @typedef {'valid' | 'invalid' | 'malformed' | 'unavailable'} SignatureState */
/** @typedef {{ state: SignatureState, reason: string }} SignatureVerdict */

/** Verdicts kept; past this the oldest go (a transaction costs one check per page load, not per redraw). */
const KEPT = 2000;
/** @type {Map<string, Promise<SignatureVerdict>>} by message and signature */
const verdicts = new Map();

/** WebCrypto, where the browser gives it: only on a secure origin (https, or localhost). */
function subtle() {
  return globalThis.isSecureContext !== false && globalThis.crypto && globalThis.crypto.subtle ? globalThis.crypto.subtle : null;
}

/**
 * Whether `tx` carries its sender's Ed25519 signature over the canonical JSON of its four signed
 * fields, as the node checks it (src/chain/signed-rules.ts).
 * @param {import('./state.js').Transaction} tx
 * @returns {Promise<SignatureVerdict>}
 */
export function checkSignature(tx) {
  const signature = tx && tx.signature;
  const message = signedMessage(tx || {});
  if (!message.ok) return Promise.resolve({ state: 'malformed', reason: message.reason });
  if (typeof signature !== 'string' || !SIGNATURE.test(signature))
    return Promise.resolve({ state: 'malformed', reason: 'no signature of 128 hex digits' });
  const key = message.message + '\n' + signature;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = verify(/** @type {string} */ (tx && tx.sender), message.message, signature);
    verdicts.set(key, verdict);
    if (verdicts.size > KEPT) verdicts.delete(verdicts.keys().next().value ?? '');
  }
  return verdict;
}

/**
 * @param {string} sender 64 hex digits
 * @param {string} message
 * @param {string} signature 128 hex digits
 * @returns {Promise<SignatureVerdict>}
 */
async function verify(sender, message, signature) {
  const crypto = subtle();
  if (crypto === null)
    return { state: 'unavailable', reason: 'this browser gives no WebCrypto here: open the page over https or at localhost' };
  let publicKey;
  try {
    publicKey = await crypto.importKey('raw', fromHex(sender), { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    const unsupported = error instanceof Error && error.name === 'NotSupportedError';
    if (unsupported) return { state: 'unavailable', reason: 'this browser has no Ed25519 in WebCrypto' };
    return { state: 'invalid', reason: 'the sender is not an Ed25519 public key' };
  }
  let good = false;
  try {
    good = await crypto.verify('Ed25519', publicKey, fromHex(signature), new TextEncoder().encode(message));
  } catch {
    good = false; // WebCrypto refuses rather than answers false for some malformed signatures
  }
  return good
    ? { state: 'valid', reason: 'signed by the sender, checked in this browser: ' + message }
    : { state: 'invalid', reason: "not the sender's signature over " + message };
}

const LABELS = { valid: '\u2713 signed', invalid: '\u2717 bad signature', malformed: '\u2717 unsigned', unavailable: '? not checked' };

/**
 * A transaction's signature verdict as a badge, which says "checking" until the verdict is in.
 * @param {import('./state.js').Transaction} tx
 */
export function signatureBadge(tx) {
  const badge = el('span', { class: 'sig', data: { sig: 'checking' }, title: 'checking the signature in this browser', text: '\u2026' });
  void checkSignature(tx).then(({ state, reason }) => {
    badge.dataset.sig = state;
    badge.title = reason;
    badge.textContent = LABELS[state];
  });
  return badge;
}
