// @ts-check
// The lab's faults at a glance: a cut link, a slow or lossy one, a paused node, a chain that fails
// its own node's verification or that this node refuses. Read from each node's GET /lab and
// GET /chain/verify (through GET /network?lab=1) and from this node's peers table (GET /nodes).
import { el, text } from './dom.js';
import { state } from './state.js';

/** @typedef {import('./state.js').Member} Member */
/** @typedef {import('./state.js').Faults} Faults */

/**
 * A node's name on the page: its id when it gave one.
 * @param {Member} member
 */
export function memberName(member) {
  return member.node_id || member.address || member.node;
}

/**
 * Whether `name`, as a partition's groups hold it, names `member`: its id, its `host:port`, or the host alone.
 * @param {string} name
 * @param {Member} member
 */
function names(name, member) {
  if (name === member.node_id || name === member.address || name === member.node) return true;
  return member.address !== null && !name.includes(':') && name.toLowerCase() === member.address.split(':')[0].toLowerCase();
}

/**
 * The group of the partition `member` is in: its position, or -1 outside every group, or null without a partition.
 * @param {Member} member
 * @param {Faults | null} faults
 */
export function groupOf(member, faults) {
  const groups = faults && Array.isArray(faults.groups) ? faults.groups : null;
  if (groups === null) return null;
  return groups.findIndex((group) => Array.isArray(group) && group.some((name) => names(String(name), member)));
}

/**
 * A link fault in words: `node3: +300 ms, 20% lost`.
 * @param {unknown} link
 */
function linkText(link) {
  if (typeof link !== 'object' || link === null) return text(link);
  const { peer, delay_ms: delay, loss } = /** @type {Record<string, unknown>} */ (link);
  const parts = [];
  if (typeof delay === 'number' && delay > 0) parts.push('+' + delay + ' ms');
  if (typeof loss === 'number' && loss > 0) parts.push(Math.round(loss * 100) + '% lost');
  return text(peer) + ': ' + (parts.length > 0 ? parts.join(', ') : 'no fault');
}

/**
 * The links a node's faults hold, as a list whatever GET /lab gave (a list, or an object by peer).
 * @param {Faults | null | undefined} faults
 */
export function linksOf(faults) {
  const links = faults ? faults.links : undefined;
  if (Array.isArray(links)) return links;
  if (typeof links === 'object' && links !== null) return Object.entries(links).map(([peer, link]) => ({ peer, ...link }));
  return [];
}

/**
 * A node's mining mode in words, whatever GET /lab gave: `interval, every 5 s`, or the text.
 * @param {Faults | null | undefined} faults
 */
export function miningText(faults) {
  const mining = faults ? faults.mining : undefined;
  if (mining === undefined || mining === null) return null;
  if (typeof mining !== 'object') return text(mining);
  const { mode, seconds } = /** @type {Record<string, unknown>} */ (mining);
  return text(mode) + (typeof seconds === 'number' && mode === 'interval' ? ', every ' + seconds + ' s' : '');
}

/**
 * Why this node refuses the member's chain, when the peers table says it does.
 * @param {Member} member
 */
function refusal(member) {
  return !member.self && member.error && /invalid/i.test(member.error) ? member.error : null;
}

/**
 * The tags a node's column carries: paused, cut off from this node, a faulty link, a tampered chain.
 * @param {Member} member
 */
export function faultTags(member) {
  const lab = member.lab || null;
  const self = state.members.find((m) => m.self);
  const mine = self ? groupOf(self, state.lab) : null;
  const group = groupOf(member, state.lab);
  const tags = [];
  if (lab && lab.faults && lab.faults.paused === true) tags.push(el('span', { class: 'tag fault paused', text: 'paused' }));
  if (!member.self && group !== null && group !== mine)
    tags.push(el('span', { class: 'tag fault cut', title: 'the partition cuts the link between them', text: 'cut off from this node' }));
  if (group !== null) tags.push(el('span', { class: 'tag group', text: group === -1 ? 'in no group' : 'group ' + (group + 1) }));
  if (lab && lab.valid === false)
    tags.push(el('span', { class: 'tag fault tampered', title: lab.reasons.join('; '), text: 'invalid: ' + (lab.reasons[0] || '') }));
  const refused = refusal(member);
  if (refused) tags.push(el('span', { class: 'tag fault refused', title: refused, text: 'refused here' }));
  return tags;
}

/**
 * Every fault in the network as one list, for the top of the network panel; empty: none.
 * @param {Member[]} members
 */
export function faultItems(members) {
  const items = [];
  const groups = state.lab && Array.isArray(state.lab.groups) ? state.lab.groups : null;
  if (groups !== null) {
    const shown = groups.map((group) => '{' + (Array.isArray(group) ? group.join(', ') : text(group)) + '}').join(' | ');
    items.push(el('li', { class: 'cut' }, [el('strong', { text: 'Partition ' }), shown + ': every link between two groups is cut.']));
  }
  for (const member of members) {
    const lab = member.lab || null;
    const name = memberName(member);
    if (lab && lab.faults && lab.faults.paused === true)
      items.push(el('li', { class: 'paused' }, [el('strong', { text: name }), ' is paused: it talks to no peer.']));
    for (const link of linksOf(lab && lab.faults))
      items.push(el('li', { class: 'link' }, [el('strong', { text: name }), ' \u2192 ' + linkText(link)]));
    if (lab && lab.valid === false)
      items.push(
        el('li', { class: 'tampered' }, [el('strong', { text: name }), "'s chain fails its own verification: " + lab.reasons.join('; ')]),
      );
    const refused = refusal(member);
    if (refused)
      items.push(el('li', { class: 'refused' }, ['This node refuses the chain of ', el('strong', { text: name }), ': ' + refused]));
  }
  return items;
}
