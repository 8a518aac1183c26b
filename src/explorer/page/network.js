// @ts-check
// The network, side by side: the top NETWORK_ROWS blocks of every chain. The node asks its peers
// for them (the browser cannot reach them by their Docker hostnames). This page's events cover only this node: a block a peer mines shows up
// here once it reaches this node, by gossip or a resolve, and a peer that is behind, or does not
// gossip, announces nothing at all. So the view is also refreshed on a gentle timer while the page
// is visible (explorer.js).
import { renderTree } from './block-tree.js';
import { byId, clock, el, hashChip } from './dom.js';
import { faultItems, faultTags, memberName } from './faults.js';
import { refreshLab, renderLabNodes } from './lab.js';
import { nodeLabel, standing } from './node-view.js';
import { state } from './state.js';

/** @typedef {import('./state.js').Member} Member */
/** @typedef {Member & { length: number }} AnsweredMember */

const NETWORK_ROWS = 30;
const NODE_COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

let networkBusy = false;
let networkAgain = false;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let networkSoon;

/** Refreshes the view shortly: a burst of events asks the node once. */
export function scheduleNetwork() {
  clearTimeout(networkSoon);
  networkSoon = setTimeout(refreshNetwork, 150);
}

/** Asks the node for the network and draws it; a refresh asked for meanwhile runs once this one is done. */
export async function refreshNetwork() {
  if (networkBusy) {
    networkAgain = true;
    return;
  }
  networkBusy = true;
  try {
    // With the lab on, the view also brings each node's faults and dropped blocks.
    const lab = await refreshLab();
    const response = await fetch('/network?last=' + NETWORK_ROWS + (lab ? '&lab=1' : ''), { headers: { accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
    renderNetwork(body.nodes);
  } catch (error) {
    byId('network-summary').textContent = 'Could not load the network view: ' + /** @type {Error} */ (error).message;
  } finally {
    networkBusy = false;
    if (networkAgain) {
      networkAgain = false;
      refreshNetwork();
    }
  }
}

/**
 * Colours by rank of node id, so every node's page gives a node the same colour.
 * @param {Member[]} members
 */
function nodeColors(members) {
  const names = members.map(memberName).sort();
  return members.map((m) => NODE_COLORS[names.indexOf(memberName(m)) % NODE_COLORS.length]);
}

/**
 * @param {Member} member
 * @param {string} color
 */
function columnHeader(member, color) {
  const { kind } = standing(member.reachable, member.error);
  const note = member.self ? 'this node' : member.node_id ? null : 'no node id';
  // The reason says what failed (unreachable, timeout, HTTP 500): shown as it is, with nothing added.
  const detail = member.error
    ? el('span', { class: 'status ' + kind, title: member.error, text: member.error })
    : el('span', {
        class: 'status',
        text: member.length === null ? 'not asked yet' : member.length + (member.length === 1 ? ' block' : ' blocks'),
      });
  const replaced =
    member.self && state.replaced !== null
      ? el('span', {
          class: 'tag replaced',
          title: 'adopted the chain of ' + state.replaced.peer,
          text: 'replaced at ' + clock(state.replaced.at),
        })
      : null;
  return el('th', { class: 'node-col', vars: { '--node': color }, data: { node: member.node } }, [
    ...nodeLabel(member.node_id, member.address, note),
    detail,
    replaced,
    ...faultTags(member),
  ]);
}

/** @param {Member[]} members */
function renderNetwork(members) {
  state.members = members;
  const colors = nodeColors(members);
  const chains = members.map((m) => new Map(m.chain.map((link) => [link.index, link.hash])));
  const answered = members.map((m) => m.length !== null);
  const top = Math.max(0, ...members.map((m) => m.length || 0));
  const bottom = Math.max(1, top - NETWORK_ROWS + 1);

  const rows = [];
  /** @type {number | null} */
  let forkFrom = null;
  for (let index = top; index >= bottom; index--) {
    const hashes = chains.map((chain) => chain.get(index));
    const present = new Set(hashes.filter((h, i) => answered[i] && h !== undefined));
    const missing = hashes.some((h, i) => answered[i] && h === undefined);
    const kind = present.size > 1 ? 'fork' : missing ? 'behind' : 'agree';
    if (kind === 'fork') forkFrom = index;
    const title =
      kind === 'fork'
        ? 'the nodes hold different blocks here'
        : kind === 'behind'
          ? 'some nodes do not have this block'
          : 'every node holds this block';
    rows.push(
      el('tr', { class: kind, data: { index: String(index) } }, [
        el('th', { class: 'row-index', title }, ['#' + index, kind === 'fork' ? el('span', { class: 'mark', text: ' \u2260' }) : null]),
        ...hashes.map((hash, i) => {
          if (!answered[i]) return el('td', { class: 'unknown', text: '?' });
          if (hash === undefined) return el('td', { class: 'missing', title: 'not in this chain', text: 'not yet' });
          return el('td', { vars: { '--node': colors[i] } }, [hashChip(hash, kind === 'fork' ? 'differs' : '')]);
        }),
      ]),
    );
  }
  byId('network').replaceChildren(
    el('thead', {}, [
      el('tr', {}, [el('th', { class: 'row-index', text: 'block' }), ...members.map((m, i) => columnHeader(m, colors[i]))]),
    ]),
    el('tbody', {}, rows),
  );
  byId('network-summary').replaceChildren(...networkSummary(members, forkFrom, bottom));
  byId('lab-faults').replaceChildren(...faultItems(members));
  renderTree(members, colors);
  if (state.lab !== null) renderLabNodes(members);
}

/**
 * Agreement is only ever claimed over the nodes that answered, and the summary names those that did
 * not: a node that is down may hold anything.
 * @param {Member[]} members
 * @param {number | null} forkFrom the oldest row where the nodes hold different blocks
 * @param {number} bottom the oldest row drawn: the chains may part below it, unseen
 * @returns {(Node | string)[]}
 */
function networkSummary(members, forkFrom, bottom) {
  const answered = members.filter(/** @returns {m is AnsweredMember} */ (m) => m.length !== null);
  const silent = members
    .filter((m) => m.length === null)
    .map((m) => memberName(m) + (m.reachable === false ? ' unreachable' : m.error ? ' gave no chain' : ' not asked yet'));
  const lengths = new Set(answered.map((m) => m.length));
  const tips = new Set(answered.map((m) => (m.chain.length > 0 ? m.chain[m.chain.length - 1].hash : '')));
  const unheard = silent.length > 0 ? '; ' + silent.join(', ') + '.' : '.';
  if (lengths.size <= 1 && tips.size <= 1 && forkFrom === null) {
    const chain = 'the same ' + [...lengths][0] + '-block chain';
    if (silent.length === 0)
      return [el('strong', { class: 'ok', text: 'In agreement: ' }), 'all ' + members.length + ' nodes hold ' + chain + '.'];
    if (answered.length === 1) return [el('strong', { class: 'warn', text: 'Only this node answered' }), unheard];
    return [el('strong', { class: 'warn', text: answered.length + ' of ' + members.length + ' agree' }), ' (' + chain + ')' + unheard];
  }
  // Not in agreement: so at least one node answered.
  const longest = answered.reduce((best, m) => (m.length > best.length ? m : best));
  /** @type {(Node | string)[]} */
  const parts = [el('strong', { class: 'warn', text: 'Not in agreement: ' })];
  if (forkFrom !== null)
    parts.push('the chains fork at block #' + forkFrom + (forkFrom === bottom && bottom > 1 ? ' or earlier' : '') + '. ');
  parts.push('Longest: ' + memberName(longest) + ' (' + longest.length + ' blocks). ');
  parts.push(
    state.mode !== null && !state.mode.gossip
      ? 'This node does not gossip: Resolve conflicts makes it adopt the longest chain.'
      : 'Nodes that gossip catch up on their own; resolving conflicts on the others adopts it now.',
  );
  if (silent.length > 0) parts.push(' Not counted: ' + silent.join(', ') + '.');
  return parts;
}
