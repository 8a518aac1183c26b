// @ts-check
// This node, drawn from the page's state: its facts, chain, pending pool, peers and activity.
import { blockTime, byId, clock, count, el, hashChip, seconds, short, text } from './dom.js';
import { scheduleAccounts, signedRule } from './accounts.js';
import { signatureBadge } from './signatures.js';
import { shownBlocks, state } from './state.js';

/** @typedef {import('./state.js').HashedBlock} HashedBlock */
/** @typedef {import('./state.js').Mode} Mode */
/** @typedef {import('./state.js').Transaction} Transaction */

const ACTIVITY_ITEMS = 40;

/**
 * How the node takes part in the network, in words: whether it gossips, and the proof rule.
 * @param {Mode | null} mode
 */
function modeText(mode) {
  if (mode === null) return { gossip: '\u2026', rule: '\u2026', tx: '\u2026' };
  const gossip = !mode.gossip
    ? 'off: syncs when told to resolve'
    : mode.sync_interval_ms > 0
      ? 'on, syncs every ' + seconds(mode.sync_interval_ms)
      : 'on, syncs when told';
  const tx = mode.tx_rule === 'signed' ? 'signed: Ed25519, nonces, balances' : 'open: anyone sends anything';
  return { gossip, rule: mode.pow_rule + ', difficulty ' + mode.difficulty, tx };
}

function renderFacts() {
  byId('node-id').textContent = state.nodeId === null ? '\u2026' : state.nodeId;
  const mode = modeText(state.mode);
  byId('node-gossip').textContent = mode.gossip;
  byId('node-gossip').dataset.gossip = state.mode === null ? '' : state.mode.gossip ? 'on' : 'off';
  byId('node-rule').textContent = mode.rule;
  byId('node-tx-rule').textContent = mode.tx;
  byId('chain-length').textContent = String(state.length);
  byId('pending-count').textContent = String(state.pendingCount);
  byId('peer-count').textContent = String(state.peers.length);
}

/** @param {Transaction} tx */
function transactionRow(tx) {
  const reward = tx && tx.sender === '0';
  const signed = signedRule();
  return el('li', { class: (reward ? 'tx reward' : 'tx') + (signed ? ' signed' : '') }, [
    el('span', { class: 'party', title: text(tx && tx.sender), text: reward ? 'mining reward' : text(tx && tx.sender) }),
    el('span', { class: 'arrow', text: '\u2192' }),
    el('span', { class: 'party', title: text(tx && tx.recipient), text: text(tx && tx.recipient) }),
    el('span', { class: 'amount', text: text(tx && tx.amount) }),
    signed ? (reward ? el('span', { class: 'sig', data: { sig: 'reward' }, text: 'reward' }) : signatureBadge(tx)) : null,
  ]);
}

/**
 * What a cut block leaves out: the node sends a large block with its first transactions only.
 * @param {HashedBlock} hashed
 * @param {number} shown
 */
function cutNote({ cut, bytes, transaction_count }, shown) {
  if (!cut) return null;
  const total = transaction_count || 0;
  const size = typeof bytes === 'number' ? ', ' + Math.round(bytes / 1024) + ' KB' : '';
  const what = shown < total ? 'only the first ' + shown + ' shown' : 'long fields cut short';
  return el('p', { class: 'cut', text: 'A large block (' + count(total, 'transaction') + size + '): ' + what + '.' });
}

/** @param {HashedBlock} hashed */
function blockCard(hashed) {
  const { hash, block } = hashed;
  const txs = Array.isArray(block.transactions) ? block.transactions : [];
  // The reward comes last: a cut block does not show it.
  const reward = hashed.cut ? null : txs[txs.length - 1];
  const minedHere =
    Boolean(reward) &&
    reward.sender === '0' &&
    reward.recipient === (state.mode !== null && state.mode.miner_address ? state.mode.miner_address : state.nodeId);
  const fresh = state.fresh.has(hash);
  const target = state.target !== null && block.index === state.target;
  return el('li', { class: 'block' + (fresh ? ' fresh' : '') + (target ? ' target' : ''), data: { index: text(block.index), hash } }, [
    el('div', { class: 'block-head' }, [
      el('span', { class: 'index', text: '#' + text(block.index) }),
      hashChip(hash),
      minedHere ? el('span', { class: 'tag', text: 'mined here' }) : null,
      block.index === 1 ? el('span', { class: 'tag genesis', text: 'genesis' }) : null,
    ]),
    el('dl', { class: 'fields' }, [
      el('dt', { text: 'previous hash' }),
      el('dd', {}, [hashChip(block.previous_hash)]),
      el('dt', { text: 'proof' }),
      el('dd', { text: text(block.proof) }),
      el('dt', { text: 'time' }),
      el('dd', { text: blockTime(block.timestamp) }),
    ]),
    txs.length === 0 ? el('p', { class: 'empty', text: 'no transactions' }) : el('ul', { class: 'tx-list' }, txs.map(transactionRow)),
    cutNote(hashed, txs.length),
  ]);
}

/**
 * Draws at most the blocks of one window (the events and GET /blocks send at most 100): what it
 * costs is the same for a chain of 10 blocks or of 100,000.
 */
export function renderChain() {
  const { from, blocks, live } = shownBlocks();
  byId('chain').replaceChildren(...blocks.slice().reverse().map(blockCard));
  state.fresh.clear();
  const to = from + blocks.length - 1;
  const note = byId('chain-note');
  note.hidden = live && state.length <= blocks.length;
  note.textContent = live
    ? 'Showing the newest ' + blocks.length + ' of ' + state.length + ' blocks.'
    : 'Showing blocks #' + from + ' to #' + to + ' of ' + state.length + '.';
  /** @param {string} id @param {boolean} disabled */
  const able = (id, disabled) => {
    /** @type {HTMLButtonElement} */ (byId(id)).disabled = disabled;
  };
  able('chain-newest', live);
  able('chain-newer', live);
  able('chain-older', from <= 1);
  const banner = byId('replaced-banner');
  banner.hidden = state.replaced === null;
  if (state.replaced !== null) {
    const { peer, at, dropped, droppedCount, returnedCount, length } = state.replaced;
    const parts = ['At ' + clock(at) + ' this node replaced its chain with the longer chain of ' + peer + ' (' + length + ' blocks).'];
    if (dropped.length > 0) {
      const more = droppedCount - dropped.length;
      parts.push(
        ' Blocks it dropped: ' +
          dropped.map((b) => '#' + b.index + ' ' + short(b.hash)).join(', ') +
          (more > 0 ? ' and ' + more + ' older' : '') +
          '.',
      );
    }
    if (returnedCount > 0) parts.push(' ' + count(returnedCount, 'transaction') + ' from them went back to the pending pool.');
    banner.textContent = parts.join('');
  }
  renderFacts();
  scheduleAccounts();
}

export function renderPending() {
  const list = byId('pending');
  const unlisted = state.pendingCount - state.pending.length;
  const more = unlisted > 0 ? el('li', { class: 'more', text: 'and ' + count(unlisted, 'more transaction') }) : null;
  if (state.pendingCount === 0) list.replaceChildren(el('li', { class: 'empty', text: 'none' }));
  else list.replaceChildren(...state.pending.map(transactionRow), ...(more ? [more] : []));
  renderFacts();
  scheduleAccounts();
}

/**
 * A peer's standing in words, from what the node last learned of it: the Peers table and the
 * network view both describe a peer with this, from the same record (GET /nodes), so they agree.
 * @param {boolean | null} reachable
 * @param {string | null} error
 */
export function standing(reachable, error) {
  if (reachable === null) return { kind: 'unknown', label: 'not asked yet' };
  if (!reachable) return { kind: 'no', label: 'unreachable' };
  return error ? { kind: 'bad', label: 'bad answer' } : { kind: 'yes', label: 'yes' };
}

/**
 * A node's name (its id, when it gave one) over its address, alike for this node and its peers.
 * @param {string | null} nodeId
 * @param {string | null} address
 * @param {string | null} [note]
 */
export function nodeLabel(nodeId, address, note) {
  const secondary = [note, nodeId && address ? address : null].filter(Boolean).join(' \u00b7 ');
  return [
    el('span', { class: 'node-name', text: nodeId || address || '?' }),
    secondary ? el('span', { class: 'node-address', text: secondary }) : null,
  ];
}

/**
 * A peer by its node id when it gave one, as the network view names it; else by its address.
 * @param {string} address
 */
export function peerName(address) {
  const peer = state.peers.find((p) => p.node === address);
  return peer && peer.node_id ? peer.node_id + ' (' + address + ')' : address;
}

export function renderPeers() {
  const rows = state.peers.map((peer) => {
    const { kind, label } = standing(peer.reachable, peer.last_error);
    const seen = peer.last_seen === null ? 'never' : clock(new Date(peer.last_seen * 1000));
    return el('tr', { data: { node: peer.node } }, [
      el('td', { class: 'peer-name', title: peer.node }, nodeLabel(peer.node_id, peer.node)),
      el('td', {}, [el('span', { class: 'dot ' + kind, title: peer.last_error || label, text: label })]),
      el('td', { text: peer.length === null ? '?' : String(peer.length) }),
      el('td', { title: peer.last_error || '', text: peer.last_error ? seen + ' \u2014 ' + peer.last_error : seen }),
    ]);
  });
  byId('peers').replaceChildren(
    ...(rows.length > 0 ? rows : [el('tr', {}, [el('td', { colspan: 4, class: 'empty', text: 'no peers registered' })])]),
  );
  for (const peer of state.peers) if (peer.reachable && !peer.last_error) state.failures.delete(peer.node);
  renderFacts();
}

/**
 * @param {string} kind the class of the entry: mined, appended, replaced, transaction or failure
 * @param {string} message
 */
export function logActivity(kind, message) {
  const list = byId('activity');
  list.prepend(el('li', { class: kind }, [el('time', { text: clock(new Date()) }), ' ', message]));
  while (list.children.length > ACTIVITY_ITEMS) list.lastElementChild?.remove();
}
