// @ts-check
// TX_RULE=signed's balances: every address in the blocks the chain panel shows and in the pending
// pool, as this node counts it (GET /accounts/:address). Asked for again a moment after each
// change the page draws, never more than ACCOUNTS_SHOWN at a time.
import { callApi } from './api.js';
import { byId, el, hashChip } from './dom.js';
import { ADDRESS } from './signed-message.js';
import { shownBlocks, state } from './state.js';

/** @typedef {{ address: string, balance: number, available: number, next_nonce: number }} Account as GET /accounts/:address gives it */
/** @typedef {(accounts: Map<string, Account> | null) => void} AccountsListener null: the node runs TX_RULE=open */

/** Most addresses asked for and listed: the page's own, then the newest in the chain and the pool. */
const ACCOUNTS_SHOWN = 20;
const SETTLE_MS = 150;

/** @type {AccountsListener[]} */
const listeners = [];
/** @type {ReturnType<typeof setTimeout> | null} */
let timer = null;
/** Counts the refreshes: an answer to an older one comes too late to be shown. */
let asked = 0;

/** @param {AccountsListener} listener called after every refresh */
export function onAccounts(listener) {
  listeners.push(listener);
}

/** Whether this node runs TX_RULE=signed, as its snapshot said. */
export function signedRule() {
  return state.mode !== null && state.mode.tx_rule === 'signed';
}

/** Refreshes the balances shortly: a burst of events makes one round of requests. */
export function scheduleAccounts() {
  if (timer !== null) return;
  timer = setTimeout(() => {
    timer = null;
    void refreshAccounts();
  }, SETTLE_MS);
}

/** The addresses worth listing: the page's key, then the newest senders and recipients. */
function addresses() {
  /** @type {Set<string>} */
  const found = new Set();
  if (state.walletAddress !== null) found.add(state.walletAddress);
  const txs = [...state.pending];
  for (const { block } of shownBlocks().blocks.slice().reverse()) if (Array.isArray(block.transactions)) txs.push(...block.transactions);
  for (const tx of txs) {
    for (const party of [tx && tx.sender, tx && tx.recipient]) {
      if (found.size >= ACCOUNTS_SHOWN) return [...found];
      if (typeof party === 'string' && ADDRESS.test(party)) found.add(party);
    }
  }
  return [...found];
}

async function refreshAccounts() {
  const panel = byId('accounts-panel');
  if (!signedRule()) {
    panel.hidden = true;
    for (const listener of listeners) listener(null);
    return;
  }
  panel.hidden = false;
  const ticket = ++asked;
  const replies = await Promise.all(addresses().map((address) => callApi('GET', '/accounts/' + address).catch(() => null)));
  if (ticket !== asked) return;
  /** @type {Map<string, Account>} */
  const accounts = new Map();
  for (const reply of replies)
    if (reply && reply.ok && reply.data && typeof reply.data.address === 'string') accounts.set(reply.data.address, reply.data);
  renderAccounts(accounts, replies.length - accounts.size);
  for (const listener of listeners) listener(accounts);
}

/**
 * @param {Map<string, Account>} accounts
 * @param {number} failed how many addresses the node did not answer for
 */
function renderAccounts(accounts, failed) {
  const rows = [...accounts.values()].map((account) => {
    const mine = account.address === state.walletAddress;
    return el('tr', { data: { address: account.address } }, [
      el('td', {}, [hashChip(account.address), mine ? el('span', { class: 'tag', text: 'this browser' }) : null]),
      el('td', { class: 'balance', text: String(account.balance) }),
      el('td', { class: 'available', text: String(account.available) }),
      el('td', { class: 'nonce', text: String(account.next_nonce) }),
    ]);
  });
  if (rows.length === 0) rows.push(el('tr', {}, [el('td', { colspan: 4, class: 'empty', text: 'no addresses in the blocks shown yet' })]));
  byId('accounts').replaceChildren(...rows);
  byId('accounts-note').textContent = failed > 0 ? 'The node did not answer for ' + failed + ' of them.' : '';
}
