// @ts-check
// Live updates: one EventSource on GET /events; every reconnection starts with a fresh snapshot.
import { refreshWindow } from './chain-window.js';
import { byId, count, parse, text } from './dom.js';
import { scheduleNetwork } from './network.js';
import { logActivity, peerName, renderChain, renderPeers, renderPending } from './node-view.js';
import { PENDING_SHOWN, state } from './state.js';

/** @typedef {import('./state.js').HashedBlock} HashedBlock */
/** @typedef {import('./state.js').Mode} Mode */
/** @typedef {import('./state.js').Peer} Peer */
/** @typedef {import('./state.js').Transaction} Transaction */
/** @typedef {{ pending: Transaction[], pending_count: number }} Pending the first pending transactions, and how many there are */
/** @typedef {{ node_id: string, mode: Mode, length: number, blocks: HashedBlock[], peers: Peer[] } & Pending} Snapshot */
/** @typedef {{ block: HashedBlock, length: number } & Pending} Extended a block that extended the chain */
/**
 * @typedef {object} Replaced this node adopted a peer's chain
 * @property {string} peer
 * @property {number} from the first position that changed
 * @property {number} length
 * @property {HashedBlock[]} blocks
 * @property {{ index: number, hash: string }[]} dropped
 * @property {number} dropped_count
 * @property {number} returned_count
 * @property {Transaction[]} pending
 * @property {number} pending_count
 */

/** One handler per event the node sends, by the event's name. */
const handlers = {
  /** @param {Snapshot} data */
  snapshot(data) {
    state.nodeId = data.node_id;
    state.mode = data.mode;
    state.length = data.length;
    state.blocks = data.blocks;
    setPending(data);
    state.peers = data.peers;
    renderChain();
    renderPending();
    renderPeers();
    refreshWindow(1); // the chain may have changed while the page was not listening
  },
  /** @param {Extended & { mining_ms: number }} data */
  mined(data) {
    addBlock(data);
    logActivity(
      'mined',
      'Mined block #' + text(data.block.block.index) + ' (proof ' + text(data.block.block.proof) + ', ' + data.mining_ms + ' ms)',
    );
  },
  /** @param {Extended} data */
  appended(data) {
    addBlock(data);
    logActivity('appended', 'Block #' + data.length + ' from a peer (proof ' + text(data.block.block.proof) + ')');
  },
  /** @param {Replaced} data */
  replaced(data) {
    const known = new Set(state.blocks.map((b) => b.hash));
    for (const b of data.blocks) if (!known.has(b.hash)) state.fresh.add(b.hash);
    state.replaced = {
      peer: data.peer,
      at: new Date(),
      dropped: data.dropped,
      droppedCount: data.dropped_count,
      returnedCount: data.returned_count,
      length: data.length,
    };
    state.blocks = data.blocks;
    state.length = data.length;
    setPending(data);
    renderChain();
    renderPending();
    refreshWindow(data.from);
    const changes = ['from block #' + data.from + ' on'];
    if (data.dropped_count > 0) changes.push(count(data.dropped_count, 'block') + ' dropped');
    if (data.returned_count > 0) changes.push(count(data.returned_count, 'transaction') + ' pending again');
    logActivity(
      'replaced',
      'Chain replaced by the longer chain of ' + peerName(data.peer) + ' (' + data.length + ' blocks, ' + changes.join(', ') + ')',
    );
  },
  /** @param {{ transaction: NonNullable<Transaction>, pending_count: number }} data */
  transaction(data) {
    // Listed only while the page lists every pending one, up to PENDING_SHOWN, as the node would.
    const complete = state.pending.length === state.pendingCount;
    if (complete && state.pending.length < PENDING_SHOWN) state.pending = state.pending.concat([data.transaction]);
    state.pendingCount = data.pending_count;
    renderPending();
    const tx = data.transaction;
    logActivity('transaction', 'Transaction ' + text(tx.sender) + ' \u2192 ' + text(tx.recipient) + ': ' + text(tx.amount));
  },
  /** @param {{ peers: Peer[] }} data */
  peers(data) {
    state.peers = data.peers;
    renderPeers();
  },
  /** @param {{ node: string, reason: string }} data */
  peerFailure(data) {
    // A peer that stays down fails every sync, every few seconds: once is news, the rest would bury the list.
    if (state.failures.get(data.node) === data.reason) return;
    state.failures.set(data.node, data.reason);
    logActivity('failure', 'Peer ' + peerName(data.node) + ' skipped: ' + data.reason);
  },
};

/**
 * A block that extended this node's chain, mined here or announced by a peer.
 * @param {Extended} data
 */
function addBlock(data) {
  state.fresh.add(data.block.hash);
  state.blocks = state.blocks.concat([data.block]).slice(-100);
  state.length = data.length;
  setPending(data);
  renderChain();
  renderPending();
}

/** @param {Pending} data */
function setPending(data) {
  state.pending = data.pending;
  state.pendingCount = data.pending_count;
}

/**
 * @param {'live' | 'down'} status
 * @param {string} message
 */
function setConnection(status, message) {
  const p = byId('connection');
  p.dataset.state = status;
  p.textContent = message;
}

/** Listens to the node's events for as long as the page is open; EventSource reconnects by itself. */
export function connect() {
  const source = new EventSource('/events');
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('error', () => setConnection('down', 'connection lost, reconnecting\u2026'));
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => {
      handle(parse(/** @type {MessageEvent<string>} */ (event).data));
      if (name !== 'snapshot') scheduleNetwork();
    });
  }
}
