// @ts-check
// The wallet panel, under TX_RULE=signed only: a key this browser makes and keeps (key-store.js),
// its address and balance, and a form that signs a transaction with it and sends it to this node.
// The nonce comes from the node (GET /accounts/:address's next_nonce) just before signing.
import { onAccounts, scheduleAccounts } from './accounts.js';
import { callApi, failureText } from './api.js';
import { byId } from './dom.js';
import { keyStoreMissing, loadKey, makeKey, sign } from './key-store.js';
import { ADDRESS, pythonNumber, signedBody, signedMessage } from './signed-message.js';
import { state } from './state.js';

/** @type {import('./key-store.js').PageKey | null} */
let key = null;
/** Whether the stored key was looked for yet: only once the node is known to run TX_RULE=signed. */
let looked = false;

/**
 * @param {'ok' | 'error'} kind
 * @param {string} message
 */
function showResult(kind, message) {
  const p = byId('wallet-result');
  p.className = 'result ' + kind;
  p.textContent = message;
}

/** @param {string} name */
function field(name) {
  const form = /** @type {HTMLFormElement} */ (byId('wallet-form'));
  return /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
}

/** @param {import('./key-store.js').PageKey | null} next */
function useKey(next) {
  key = next;
  state.walletAddress = next === null ? null : next.address;
  byId('wallet-address').textContent = next === null ? 'no key yet' : next.address;
  byId('wallet-new').hidden = next !== null;
  byId('wallet-form').hidden = next === null;
  scheduleAccounts();
}

async function lookForKey() {
  looked = true;
  const missing = keyStoreMissing();
  if (missing !== null) {
    byId('wallet-off').hidden = false;
    byId('wallet-off').textContent = 'No wallet here: ' + missing + '.';
    byId('wallet-new').hidden = true;
    return;
  }
  try {
    useKey(await loadKey());
  } catch (error) {
    showResult('error', 'Could not read the stored key: ' + /** @type {Error} */ (error).message);
  }
}

/** @param {Map<string, import('./accounts.js').Account> | null} accounts */
function renderWallet(accounts) {
  byId('wallet-panel').hidden = accounts === null;
  if (accounts === null) return;
  if (!looked) void lookForKey();
  const account = key === null ? undefined : accounts.get(key.address);
  byId('wallet-balance').textContent = account === undefined ? '\u2026' : String(account.balance);
  byId('wallet-available').textContent = account === undefined ? '\u2026' : String(account.available);
  byId('wallet-nonce').textContent = account === undefined ? '\u2026' : String(account.next_nonce);
}

/** Signs what the form says with the page's key, with the node's next nonce, and sends it. */
async function send() {
  if (key === null) return showResult('error', 'Make a key first.');
  const recipient = field('recipient').value.trim().toLowerCase();
  const amount = pythonNumber(field('amount').value.trim());
  if (!ADDRESS.test(recipient)) return showResult('error', 'The recipient must be an address: 64 hex digits, a public key.');
  if (amount === undefined) return showResult('error', 'The amount must be a number, such as 5 or 2.5.');
  const account = await callApi('GET', '/accounts/' + key.address);
  if (!account.ok) return showResult('error', failureText(account));
  const fields = { sender: key.address, recipient, amount, nonce: Number(account.data.next_nonce) };
  const message = signedMessage(fields);
  if (!message.ok) return showResult('error', 'Nothing to sign: ' + message.reason + '.');
  const signature = await sign(key, message.message);
  const reply = await callApi('POST', '/transactions/new', signedBody({ ...fields, amount: message.amount, signature }));
  if (!reply.ok) return showResult('error', failureText(reply));
  showResult('ok', 'Signed ' + message.message + ' and sent it, nonce ' + fields.nonce + ': ' + reply.data.message);
  field('amount').value = '';
  scheduleAccounts();
}

/**
 * Runs `action` with `button` disabled, so that one transaction is signed at a time (two at once
 * would ask for the same nonce).
 * @param {HTMLButtonElement} button
 * @param {() => Promise<void>} action
 */
async function withButton(button, action) {
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    showResult('error', 'Could not sign or send: ' + /** @type {Error} */ (error).message);
  } finally {
    button.disabled = false;
  }
}

export function wireWallet() {
  onAccounts(renderWallet);
  byId('wallet-new').addEventListener('click', (event) => {
    const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
    void withButton(button, async () => {
      useKey(await makeKey());
      showResult('ok', 'A new key, kept in this browser. Its address is its public key: send coins to it.');
    });
  });
  byId('wallet-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.currentTarget);
    void withButton(/** @type {HTMLButtonElement} */ (form.querySelector('button')), send);
  });
}
