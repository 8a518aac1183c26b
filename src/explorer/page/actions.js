// @ts-check
// Acting on this node through its API: send a transaction, mine, resolve conflicts.
import { callApi, failureText } from './api.js';
import { byId, text } from './dom.js';
import { scheduleNetwork } from './network.js';

/** @typedef {import('./api.js').Reply} Reply */

/**
 * @param {'ok' | 'error'} kind
 * @param {string} message
 */
function showResult(kind, message) {
  const p = byId('action-result');
  p.className = 'result ' + kind;
  p.textContent = message;
}

/** @param {Reply} reply */
function showFailure(reply) {
  showResult('error', failureText(reply));
}

/**
 * @param {HTMLFormElement} form
 * @param {string} name
 */
function field(form, name) {
  return /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
}

/**
 * The body is written by hand so that the amount goes out exactly as typed: a JSON number as a
 * number (5.0 stays 5.0), anything else as text, for the API to explain what is wrong with it.
 * @param {HTMLFormElement} form
 */
function transactionBody(form) {
  const fields = [];
  for (const name of ['sender', 'recipient', 'amount']) {
    const value = field(form, name).value.trim();
    if (value === '') continue; // the API names what is missing
    const number = name === 'amount' && /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(value);
    fields.push(JSON.stringify(name) + ':' + (number ? value : JSON.stringify(value)));
  }
  return '{' + fields.join(',') + '}';
}

/**
 * Runs `action` with `button` disabled and saying `busyText`; a node that does not answer is reported.
 * @param {HTMLButtonElement} button
 * @param {string} busyText
 * @param {() => Promise<void>} action
 */
async function withButton(button, busyText, action) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyText;
  try {
    await action();
  } catch (error) {
    showResult('error', 'The node did not answer: ' + /** @type {Error} */ (error).message);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/** @param {Event} event */
const buttonOf = (event) => /** @type {HTMLButtonElement} */ (event.currentTarget);

export function wireActions() {
  const form = /** @type {HTMLFormElement} */ (byId('tx-form'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withButton(/** @type {HTMLButtonElement} */ (form.querySelector('button')), 'Sending\u2026', async () => {
      const reply = await callApi('POST', '/transactions/new', transactionBody(form));
      if (!reply.ok) return showFailure(reply);
      showResult('ok', reply.data.message);
      field(form, 'amount').value = '';
    });
  });
  byId('mine').addEventListener('click', (event) => {
    withButton(buttonOf(event), 'Mining\u2026', async () => {
      const reply = await callApi('POST', '/mine');
      if (!reply.ok) return showFailure(reply);
      showResult('ok', reply.data.message + ': block #' + reply.data.index + ', proof ' + text(reply.data.proof));
    });
  });
  byId('resolve').addEventListener('click', (event) => {
    withButton(buttonOf(event), 'Resolving\u2026', async () => {
      const reply = await callApi('POST', '/nodes/resolve');
      if (!reply.ok) return showFailure(reply);
      /** @type {{ node: string, reason: string }[]} */
      const skippedPeers = reply.data.skipped;
      const skipped = skippedPeers.map((s) => s.node + ' (' + s.reason + ')');
      showResult('ok', reply.data.message + '.' + (skipped.length > 0 ? ' Skipped: ' + skipped.join(', ') : ''));
      scheduleNetwork();
    });
  });
}
