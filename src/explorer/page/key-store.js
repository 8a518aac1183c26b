// @ts-check
// The page's own Ed25519 key, made by WebCrypto and kept in this browser's IndexedDB (one per
// origin: the pages of localhost:5000 and localhost:5001 keep a key each). IndexedDB stores the
// CryptoKey objects themselves, so the private key is made non-extractable: the page can sign with
// it, but no script, ours included, can read it out.
import { toHex } from './signed-message.js';

const DATABASE = 'chainlab-wallet';
const STORE = 'keys';
const ENTRY = 'default';

/** @typedef {{ keys: CryptoKeyPair, address: string }} PageKey `address`: the public key's raw 32 bytes in hex */

/** Why this browser cannot keep a key here, or null when it can. */
export function keyStoreMissing() {
  if (globalThis.isSecureContext === false || !globalThis.crypto || !globalThis.crypto.subtle)
    return 'WebCrypto is only given to secure pages: open this page over https or at localhost';
  if (typeof indexedDB === 'undefined') return 'this browser has no IndexedDB to keep a key in';
  return null;
}

/** @returns {Promise<IDBDatabase>} */
function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error || new Error('IndexedDB would not open ' + DATABASE));
  });
}

/**
 * Runs one request on the key store and closes the database after it.
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} ask
 * @returns {Promise<T>}
 */
async function withStore(mode, ask) {
  const db = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = ask(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error || new Error('IndexedDB refused the key store'));
      transaction.onabort = () => reject(transaction.error || new Error('IndexedDB aborted the key store'));
    });
  } finally {
    db.close();
  }
}

/** @param {CryptoKeyPair} keys */
async function pageKey(keys) {
  return { keys, address: toHex(await crypto.subtle.exportKey('raw', keys.publicKey)) };
}

/**
 * The key this browser keeps for this page, or null when it has none yet.
 * @returns {Promise<PageKey | null>}
 */
export async function loadKey() {
  /** @type {unknown} */
  const stored = await withStore('readonly', (store) => store.get(ENTRY));
  const keys = /** @type {Partial<CryptoKeyPair> | undefined} */ (stored);
  if (!keys || !(keys.privateKey instanceof CryptoKey) || !(keys.publicKey instanceof CryptoKey)) return null;
  return pageKey(/** @type {CryptoKeyPair} */ (keys));
}

/**
 * Makes a new key and keeps it, in place of any before.
 * @returns {Promise<PageKey>}
 */
export async function makeKey() {
  // The private half cannot be exported; the public half always can (it is the address).
  const keys = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']));
  await withStore('readwrite', (store) => store.put(keys, ENTRY));
  return pageKey(keys);
}

/**
 * The signature of `message` (its UTF-8 bytes) by `key`, in hex.
 * @param {PageKey} key
 * @param {string} message
 */
export async function sign(key, message) {
  return toHex(await crypto.subtle.sign('Ed25519', key.keys.privateKey, new TextEncoder().encode(message)));
}
