// @ts-check
// The lab's controls: partitions, links, pausing, mining modes, tampering, snapshots and resets,
// each sent to this page's own node (the only one that lets this page drive it), which passes the
// network-wide ones on. Shown only while the node's GET /lab answers (LAB=on); each control shows
// the node's answer, or its reason for refusing.
import { callApi, failureText } from './api.js';
import { byId, clock, count, el } from './dom.js';
import { linksOf, memberName, miningText } from './faults.js';
import { state } from './state.js';

/** @typedef {import('./api.js').Reply} Reply */
/** @typedef {import('./state.js').Member} Member */

/** The group each node is put in on the page, by name, until it is split: 1 unless moved. */
const groupChoice = new Map();
/** The names the group pickers were last drawn for: redrawn only when they change, so a choice being made survives a poll. */
let drawnFor = '';
/** @type {{ raw: string, length: number, pending: number, at: Date } | null} the snapshot kept in the page, as the node sent it */
let snapshot = null;
/** What to do once the node changed: ask for the network again. */
let changed = () => {};

/**
 * Asks the node for its faults: the panel shows while it answers (LAB=on) and hides on a 404.
 * @returns {Promise<boolean>} whether the lab is on
 */
export async function refreshLab() {
  try {
    const reply = await callApi('GET', '/lab');
    state.lab = reply.ok && reply.data !== null && typeof reply.data === 'object' ? reply.data : null;
  } catch {
    state.lab = null;
  }
  byId('lab-panel').hidden = state.lab === null;
  byId('lab-faults').hidden = state.lab === null;
  if (state.lab !== null) byId('lab-state').textContent = labStateText();
  return state.lab !== null;
}

/** This node's faults in one line. */
function labStateText() {
  const faults = state.lab || {};
  const parts = ['Mining: ' + (miningText(faults) || 'not reported')];
  if (Array.isArray(faults.groups)) parts.push('partition: ' + faults.groups.map((g) => '{' + g.join(', ') + '}').join(' | '));
  else parts.push('no partition');
  const links = linksOf(faults);
  if (links.length > 0) parts.push(count(links.length, 'faulty link'));
  parts.push(faults.paused === true ? 'PAUSED' : 'not paused');
  return 'This node: ' + parts.join(' \u00b7 ') + '.';
}

/**
 * The pickers that need the nodes: a group for each, and the peer a link fault goes to.
 * @param {Member[]} members
 */
export function renderLabNodes(members) {
  const names = members.map(memberName);
  const key = names.join('\n');
  if (key === drawnFor) return;
  drawnFor = key;
  const groups = Math.max(2, Math.min(names.length, 4));
  byId('lab-groups').replaceChildren(
    ...names.map((name) => {
      const chosen = groupChoice.get(name) || '1';
      const options = Array.from({ length: groups }, (_, g) =>
        el('option', { value: String(g + 1), selected: chosen === String(g + 1), text: 'group ' + (g + 1) }),
      );
      const select = el('select', { name: 'group', data: { node: name } }, options);
      select.addEventListener('change', () => groupChoice.set(name, /** @type {HTMLSelectElement} */ (select).value));
      return el('label', { class: 'group-pick' }, [el('span', { text: name }), select]);
    }),
  );
  byId('lab-link-peer').replaceChildren(
    ...members.filter((m) => !m.self).map((m) => el('option', { value: m.node_id || m.node, text: memberName(m) })),
  );
}

/** The groups as the page holds them, the empty ones left out: `[["a", "b"], ["c"]]`. */
function chosenGroups() {
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const name of drawnFor.split('\n')) {
    const group = groupChoice.get(name) || '1';
    groups.set(group, [...(groups.get(group) || []), name]);
  }
  return [...groups.entries()].sort(([x], [y]) => Number(x) - Number(y)).map(([, names]) => names);
}

/**
 * @param {'ok' | 'error'} kind
 * @param {string} message
 */
function showResult(kind, message) {
  const p = byId('lab-result');
  p.className = 'result ' + kind;
  p.textContent = message;
}

/**
 * What the node said, in a line: its message, else its answer as JSON, cut short.
 * @param {Reply} reply
 */
function answerText(reply) {
  const data = reply.data;
  if (data && typeof data.message === 'string') return data.message;
  if (data && Array.isArray(data.relayed)) {
    /** @type {{ node: string, ok: boolean, reason?: string | null }[]} */
    const relayed = data.relayed;
    const failed = relayed.filter((r) => !r.ok).map((r) => r.node + (r.reason ? ' (' + r.reason + ')' : ''));
    return (
      'done, and passed on to ' + count(relayed.length, 'node') + (failed.length > 0 ? '; not reached: ' + failed.join(', ') : '') + '.'
    );
  }
  if (data && typeof data.paused === 'boolean') return data.paused ? 'this node is paused.' : 'this node is not paused.';
  const shown = reply.raw.length > 300 ? reply.raw.slice(0, 300) + '\u2026' : reply.raw;
  return 'HTTP ' + reply.status + ': ' + shown;
}

/**
 * Sends one lab request with `button` busy, shows the answer, and refreshes what it changed.
 * @param {HTMLButtonElement} button
 * @param {string} method
 * @param {string} path
 * @param {string} [body]
 * @param {(reply: Reply) => string} [describe] the answer in words, when it is not the node's message
 */
async function send(button, method, path, body, describe = answerText) {
  const label = button.textContent;
  button.disabled = true;
  try {
    const reply = await callApi(method, path, body);
    if (!reply.ok) showResult('error', method + ' ' + path + ': ' + failureText(reply));
    else showResult('ok', method + ' ' + path + ': ' + describe(reply));
    await refreshLab();
    changed();
  } catch (error) {
    showResult('error', 'The node did not answer: ' + /** @type {Error} */ (error).message);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/**
 * A JSON body from form fields, written by hand so that a number goes out as typed (a JSON number
 * as a number, anything else as text, for the node to explain what is wrong with it). Empty fields
 * are left out: the node names what is missing.
 * @param {HTMLFormElement} form
 * @param {string[]} names
 * @param {string[]} [flags] checkboxes, sent as true or false
 */
function formBody(form, names, flags = []) {
  const fields = [];
  for (const name of names) {
    const value = /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
    if (value === '') continue;
    const number = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(value);
    fields.push(JSON.stringify(name) + ':' + (number ? value : JSON.stringify(value)));
  }
  for (const name of flags)
    fields.push(JSON.stringify(name) + ':' + /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).checked);
  return '{' + fields.join(',') + '}';
}

/**
 * @param {string} id
 * @param {(form: HTMLFormElement, button: HTMLButtonElement) => void} submit
 */
function onSubmit(id, submit) {
  const form = /** @type {HTMLFormElement} */ (byId(id));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(form, /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]')));
  });
}

/**
 * @param {string} id
 * @param {(button: HTMLButtonElement) => void} click
 */
function onClick(id, click) {
  byId(id).addEventListener('click', (event) => click(/** @type {HTMLButtonElement} */ (event.currentTarget)));
}

/** @param {Reply} reply */
function keepSnapshot(reply) {
  const data = reply.data || {};
  const pending = Array.isArray(data.pending) ? data.pending.length : 0;
  snapshot = { raw: reply.raw, length: Number(data.length) || 0, pending, at: new Date() };
  /** @type {HTMLButtonElement} */ (byId('lab-restore')).disabled = false;
  const kept = 'Kept in this page: ' + count(snapshot.length, 'block') + ', ' + count(pending, 'pending transaction');
  byId('lab-snapshot').textContent = kept + ', taken at ' + clock(snapshot.at) + '.';
  return 'snapshot taken (' + count(snapshot.length, 'block') + ')';
}

/** @param {() => void} onChange what to do once the node changed (the explorer asks for the network again) */
export function wireLab(onChange) {
  changed = onChange;
  onSubmit('lab-partition', (_form, button) => send(button, 'POST', '/lab/partition', JSON.stringify({ groups: chosenGroups() })));
  onClick('lab-heal', (button) => send(button, 'POST', '/lab/heal'));
  onSubmit('lab-link', (form, button) => send(button, 'POST', '/lab/links', formBody(form, ['peer', 'delay_ms', 'loss'])));
  onClick('lab-pause', (button) => send(button, 'POST', '/lab/pause'));
  onClick('lab-resume', (button) => send(button, 'POST', '/lab/resume'));
  onSubmit('lab-mining', (form, button) => send(button, 'POST', '/lab/mining', formBody(form, ['mode', 'seconds'])));
  onSubmit('lab-tamper', (form, button) =>
    send(button, 'POST', '/lab/tamper', formBody(form, ['index', 'transaction', 'amount'], ['rehash'])),
  );
  onClick('lab-snapshot-take', (button) => send(button, 'GET', '/lab/snapshot', undefined, keepSnapshot));
  onClick('lab-restore', (button) => {
    if (snapshot !== null) send(button, 'POST', '/lab/restore', snapshot.raw);
  });
  onClick('lab-reset-node', (button) => send(button, 'POST', '/lab/reset', JSON.stringify({ scope: 'node' })));
  onClick('lab-reset-network', (button) => send(button, 'POST', '/lab/reset', '{}'));
}
