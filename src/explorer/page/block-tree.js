// @ts-check
// Every branch the network holds, as one tree: built from the top of each node's chain (GET
// /network gives positions and hashes, and a hash names its parent, so two chains that hold a
// block hold everything before it), plus the blocks each node dropped in a reorg (GET
// /network?lab=1), linked by their previous_hash. Only those are drawn: the windows of the chains
// near their tips and a bounded list of dropped blocks, so a 10,000-block chain costs the same.
import { byId, count, el, hashChip, text } from './dom.js';
import { memberName } from './faults.js';

/** @typedef {import('./state.js').Member} Member */
/** @typedef {import('./state.js').Transaction} Transaction */
/**
 * @typedef {object} TreeBlock
 * @property {string} hash
 * @property {number | null} index
 * @property {string | null} parent the hash of the block before it, when known
 * @property {TreeBlock[]} children
 * @property {Set<number>} holders the members whose chains hold it
 * @property {number[]} tips the members whose tip it is
 * @property {{ member: number, returned: Transaction[], returnedCount: number }[]} dropped the members that dropped it
 */

/** Runs of plain blocks longer than this are drawn by their ends. */
const RUN_SHOWN = 6;

/**
 * The blocks of every chain window and every dropped block, by hash, each with its children.
 * @param {Member[]} members
 * @returns {TreeBlock[]} its roots: the blocks whose parent is not drawn
 */
export function buildTree(members) {
  /** @type {Map<string, TreeBlock>} */
  const blocks = new Map();
  /** @param {string} hash @param {number | null} index */
  const blockOf = (hash, index) => {
    let block = blocks.get(hash);
    if (block === undefined) {
      block = { hash, index, parent: null, children: [], holders: new Set(), tips: [], dropped: [] };
      blocks.set(hash, block);
    }
    return block;
  };
  members.forEach((member, i) => {
    if (member.length === null) return;
    member.chain.forEach((link, k) => {
      const block = blockOf(link.hash, link.index);
      block.holders.add(i);
      if (k > 0) block.parent = member.chain[k - 1].hash;
    });
    if (member.chain.length > 0) blockOf(member.chain[member.chain.length - 1].hash, null).tips.push(i);
  });
  members.forEach((member, i) => {
    for (const dropped of (member.lab && member.lab.dropped) || []) {
      const block = blockOf(dropped.hash, dropped.index);
      if (block.parent === null) block.parent = dropped.previous_hash;
      block.dropped.push({ member: i, returned: dropped.returned, returnedCount: dropped.returned_count });
    }
  });
  const roots = [];
  for (const block of blocks.values()) {
    const parent = block.parent === null ? undefined : blocks.get(block.parent);
    if (parent === undefined) roots.push(block);
    else parent.children.push(block);
  }
  for (const block of blocks.values()) block.children.sort((x, y) => weight(y) - weight(x));
  return roots.sort((x, y) => weight(y) - weight(x));
}

/**
 * Held branches before dropped ones, the most held first.
 * @param {TreeBlock} block
 */
function weight(block) {
  return block.holders.size * 1000 + block.dropped.length;
}

/**
 * The tips of the branches below `block`, one per leaf.
 * @param {TreeBlock} block
 * @returns {TreeBlock[]}
 */
function leaves(block) {
  return block.children.length === 0 ? [block] : block.children.flatMap(leaves);
}

/**
 * One block of the tree: its index and hash, the nodes whose tip it is, and who dropped it with what went back.
 * @param {TreeBlock} block
 * @param {Member[]} members
 * @param {string[]} colors
 */
function blockItem(block, members, colors) {
  const kept = block.holders.size > 0;
  const fork = block.children.length > 1;
  return el(
    'li',
    {
      class: 'tree-block' + (kept ? '' : ' dropped') + (fork ? ' fork-point' : ''),
      data: { hash: block.hash, index: block.index === null ? '' : String(block.index) },
    },
    [
      el('span', { class: 'index', text: block.index === null ? '#?' : '#' + block.index }),
      hashChip(block.hash),
      fork ? el('span', { class: 'tag fork', title: 'the branches part after this block', text: 'fork point' }) : null,
      ...block.tips.map((i) => el('span', { class: 'tip', vars: { '--node': colors[i] }, text: memberName(members[i]) + ' tip' })),
      ...block.dropped.map(({ member, returned, returnedCount }) =>
        el('div', { class: 'drop' }, [
          el('span', { class: 'tag dropped', text: 'dropped by ' + memberName(members[member]) }),
          returnedCount === 0 ? ' nothing went back to its pool' : ' ' + count(returnedCount, 'transaction') + ' went back to its pool:',
          returnedCount === 0 ? null : el('ul', { class: 'returned' }, returned.map(returnedItem)),
        ]),
      ),
    ],
  );
}

/** @param {Transaction} tx */
function returnedItem(tx) {
  return el('li', { text: text(tx && tx.sender) + ' \u2192 ' + text(tx && tx.recipient) + ': ' + text(tx && tx.amount) });
}

/**
 * A block worth drawing on its own: a tip, a dropped one, a fork point.
 * @param {TreeBlock} block
 */
const marked = (block) => block.tips.length > 0 || block.dropped.length > 0 || block.children.length > 1;

/**
 * From `start`, the run of blocks that have one child each, then the branches that part after it.
 * @param {TreeBlock} start
 * @param {Member[]} members
 * @param {string[]} colors
 * @returns {HTMLElement}
 */
function segment(start, members, colors) {
  const run = [start];
  while (run[run.length - 1].children.length === 1) run.push(run[run.length - 1].children[0]);
  const end = run[run.length - 1];
  const kept = run.some((block) => block.holders.size > 0);
  /** @type {HTMLElement[]} */
  const items = [];
  let plain = 0;
  run.forEach((block, k) => {
    // A long run keeps its first two and last three blocks, and every marked one.
    const hidden = run.length > RUN_SHOWN && k >= 2 && k < run.length - 3 && !marked(block);
    if (hidden) {
      plain++;
      return;
    }
    if (plain > 0) items.push(el('li', { class: 'tree-gap', text: '\u2026 ' + count(plain, 'block') + ' \u2026' }));
    plain = 0;
    items.push(blockItem(block, members, colors));
  });
  const leaf = end.children.length === 0;
  return el('li', { class: 'segment' + (kept ? ' live' : ' dropped') + (leaf ? ' branch' : '') }, [
    el('ol', { class: 'run' }, items),
    leaf
      ? null
      : el(
          'ul',
          { class: 'forks' },
          end.children.map((child) => segment(child, members, colors)),
        ),
  ]);
}

/**
 * The tree, and a line saying how many branches the nodes hold and where they part.
 * @param {Member[]} members
 * @param {string[]} colors
 */
export function renderTree(members, colors) {
  const roots = buildTree(members);
  const all = roots.flatMap(leaves);
  const held = all.filter((block) => block.holders.size > 0);
  const droppedBlocks = members.reduce((sum, m) => sum + ((m.lab && m.lab.dropped.length) || 0), 0);
  const summary = [];
  if (held.length === 0) summary.push('No chain to draw yet.');
  else if (held.length === 1) summary.push('One branch: every node that answered has its tip on it.');
  else {
    const tips = held.map((block) => block.tips.map((i) => memberName(members[i])).join(', ') + ' at #' + text(block.index));
    summary.push(held.length + ' branches held: ' + tips.join('; ') + '.');
  }
  if (roots.filter((root) => root.holders.size > 0).length > 1) summary.push(' They part below the blocks drawn.');
  if (droppedBlocks > 0) summary.push(' ' + count(droppedBlocks, 'dropped block') + ' shown, with what went back to the pools.');
  byId('tree-summary').textContent = summary.join('');
  byId('block-tree').replaceChildren(
    ...roots.map((root) =>
      el('ul', { class: 'tree' }, [
        root.index !== null && root.index > 1 ? el('li', { class: 'tree-gap', text: 'older blocks not drawn' }) : null,
        segment(root, members, colors),
      ]),
    ),
  );
}
