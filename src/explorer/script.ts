// The explorer's script, served at GET /explorer/explorer.js. Kept as a string in a .ts module so
// that it ships in dist/ with the compiled code. It is plain browser JavaScript, read raw
// (String.raw): it must contain no backtick and no dollar-brace. test/explorer/explorer.test.ts
// checks that it parses.

export const EXPLORER_JS = String.raw`
// chainlab explorer: this node live over server-sent events (GET /events), and every node's
// chain side by side (GET /network). Plain DOM, no framework. Data only ever reaches the page as
// text (textContent, attributes), never as markup: transactions come from anyone.

const NETWORK_ROWS = 30;
const NETWORK_EVERY_MS = 5000;
const ACTIVITY_ITEMS = 40;
const NODE_COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

const state = {
  nodeId: null,
  mode: null, // {gossip, sync_interval_ms, pow_rule, difficulty}, as /health gives it
  length: 0,
  blocks: [], // [{hash, block}], oldest first: the newest blocks of the chain
  pending: [],
  peers: [],
  replaced: null, // {peer, at, length, dropped: [{index, hash}], droppedCount, returnedCount} after this node adopted another chain
  fresh: new Set(), // hashes to flash once when drawn
  failures: new Map(), // peer -> the reason last put in the activity list, until it answers again
};

function byId(id) {
  return document.getElementById(id);
}

/** An element with text, attributes and children; strings become text nodes, never markup. */
function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key === 'data') Object.assign(node.dataset, value);
    else if (key === 'vars') for (const [name, v] of Object.entries(value)) node.style.setProperty(name, String(v));
    else node.setAttribute(key, String(value));
  }
  for (const child of children || []) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** JSON as the node wrote it, except that an amount keeps its written form (5.0 stays 5.0). */
function parse(text) {
  return JSON.parse(text, (key, value, context) =>
    key === 'amount' && typeof value === 'number' && context && typeof context.source === 'string' ? context.source : value);
}

function text(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function short(hash) {
  const full = text(hash);
  return full.length > 14 ? full.slice(0, 10) + '\u2026' : full;
}

/** A hue from a hash, so the same block has the same colour wherever it is shown. */
function hueOf(hash) {
  const full = text(hash);
  return /^[0-9a-f]{6}/.test(full) ? parseInt(full.slice(0, 6), 16) % 360 : 0;
}

/** A shortened hash with the full value on hover, coloured by its value. */
function hashChip(hash, extraClass) {
  const isHash = /^[0-9a-f]{64}$/.test(text(hash));
  return el('code', {
    class: 'hash' + (isHash ? '' : ' plain') + (extraClass ? ' ' + extraClass : ''),
    title: text(hash),
    text: short(hash),
    vars: isHash ? { '--hue': hueOf(hash) } : undefined,
  });
}

function clock(date) {
  return date.toLocaleTimeString([], { hour12: false });
}

function blockTime(seconds) {
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return text(seconds);
  return date.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' }) + ' ' + clock(date);
}

// ---------------------------------------------------------------------------------------------
// This node: chain, pending pool, peers, activity

/** How the node takes part in the network, in words: whether it gossips, and the proof rule. */
function modeText(mode) {
  if (mode === null) return { gossip: '\u2026', rule: '\u2026' };
  const gossip = !mode.gossip ? 'off: syncs when told to resolve' : mode.sync_interval_ms > 0 ? 'on, syncs every ' + seconds(mode.sync_interval_ms) : 'on, syncs when told';
  return { gossip, rule: mode.pow_rule + ', difficulty ' + mode.difficulty };
}

function seconds(ms) {
  return (ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1)) + ' s';
}

function renderFacts() {
  byId('node-id').textContent = state.nodeId === null ? '\u2026' : state.nodeId;
  const mode = modeText(state.mode);
  byId('node-gossip').textContent = mode.gossip;
  byId('node-gossip').dataset.gossip = state.mode === null ? '' : state.mode.gossip ? 'on' : 'off';
  byId('node-rule').textContent = mode.rule;
  byId('chain-length').textContent = String(state.length);
  byId('pending-count').textContent = String(state.pending.length);
  byId('peer-count').textContent = String(state.peers.length);
}

function transactionRow(tx) {
  const reward = tx && tx.sender === '0';
  return el('li', { class: reward ? 'tx reward' : 'tx' }, [
    el('span', { class: 'party', title: text(tx && tx.sender), text: reward ? 'mining reward' : text(tx && tx.sender) }),
    el('span', { class: 'arrow', text: '\u2192' }),
    el('span', { class: 'party', title: text(tx && tx.recipient), text: text(tx && tx.recipient) }),
    el('span', { class: 'amount', text: text(tx && tx.amount) }),
  ]);
}

function blockCard({ hash, block }) {
  const txs = Array.isArray(block.transactions) ? block.transactions : [];
  const reward = txs[txs.length - 1];
  const minedHere = Boolean(reward) && reward.sender === '0' && reward.recipient === state.nodeId;
  const fresh = state.fresh.has(hash);
  return el('li', { class: 'block' + (fresh ? ' fresh' : ''), data: { index: text(block.index), hash } }, [
    el('div', { class: 'block-head' }, [
      el('span', { class: 'index', text: '#' + text(block.index) }),
      hashChip(hash),
      minedHere ? el('span', { class: 'tag', text: 'mined here' }) : null,
      block.index === 1 ? el('span', { class: 'tag genesis', text: 'genesis' }) : null,
    ]),
    el('dl', { class: 'fields' }, [
      el('dt', { text: 'previous hash' }), el('dd', {}, [hashChip(block.previous_hash)]),
      el('dt', { text: 'proof' }), el('dd', { text: text(block.proof) }),
      el('dt', { text: 'time' }), el('dd', { text: blockTime(block.timestamp) }),
    ]),
    txs.length === 0 ? el('p', { class: 'empty', text: 'no transactions' }) : el('ul', { class: 'tx-list' }, txs.map(transactionRow)),
  ]);
}

function renderChain() {
  const list = byId('chain');
  list.replaceChildren(...state.blocks.slice().reverse().map(blockCard));
  state.fresh.clear();
  const note = byId('chain-note');
  note.hidden = state.length <= state.blocks.length;
  note.textContent = 'Showing the newest ' + state.blocks.length + ' of ' + state.length + ' blocks.';
  const banner = byId('replaced-banner');
  banner.hidden = state.replaced === null;
  if (state.replaced !== null) {
    const { peer, at, dropped, droppedCount, returnedCount, length } = state.replaced;
    const parts = ['At ' + clock(at) + ' this node replaced its chain with the longer chain of ' + peer + ' (' + length + ' blocks).'];
    if (dropped.length > 0) {
      const more = droppedCount - dropped.length;
      parts.push(' Blocks it dropped: ' + dropped.map((b) => '#' + b.index + ' ' + short(b.hash)).join(', ') + (more > 0 ? ' and ' + more + ' older' : '') + '.');
    }
    if (returnedCount > 0) parts.push(' ' + count(returnedCount, 'transaction') + ' from them went back to the pending pool.');
    banner.textContent = parts.join('');
  }
  renderFacts();
}

function renderPending() {
  const list = byId('pending');
  if (state.pending.length === 0) list.replaceChildren(el('li', { class: 'empty', text: 'none' }));
  else list.replaceChildren(...state.pending.map(transactionRow));
  renderFacts();
}

/**
 * A peer's standing in words, from what the node last learned of it: the Peers table and the
 * network view both describe a peer with this, from the same record (GET /nodes), so they agree.
 */
function standing(reachable, error) {
  if (reachable === null) return { kind: 'unknown', label: 'not asked yet' };
  if (!reachable) return { kind: 'no', label: 'unreachable' };
  return error ? { kind: 'bad', label: 'bad answer' } : { kind: 'yes', label: 'yes' };
}

/** A node's name (its id, when it gave one) over its address, alike for this node and its peers. */
function nodeLabel(nodeId, address, note) {
  const secondary = [note, nodeId && address ? address : null].filter(Boolean).join(' \u00b7 ');
  return [el('span', { class: 'node-name', text: nodeId || address || '?' }), secondary ? el('span', { class: 'node-address', text: secondary }) : null];
}

/** A peer by its node id when it gave one, as the network view names it; else by its address. */
function peerName(address) {
  const peer = state.peers.find((p) => p.node === address);
  return peer && peer.node_id ? peer.node_id + ' (' + address + ')' : address;
}

function renderPeers() {
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
  byId('peers').replaceChildren(...(rows.length > 0 ? rows : [el('tr', {}, [el('td', { colspan: 4, class: 'empty', text: 'no peers registered' })])]));
  for (const peer of state.peers) if (peer.reachable && !peer.last_error) state.failures.delete(peer.node);
  renderFacts();
}

function count(n, noun) {
  return n + ' ' + noun + (n === 1 ? '' : 's');
}

function logActivity(kind, message) {
  const list = byId('activity');
  list.prepend(el('li', { class: kind }, [el('time', { text: clock(new Date()) }), ' ', message]));
  while (list.children.length > ACTIVITY_ITEMS) list.lastElementChild.remove();
}

// ---------------------------------------------------------------------------------------------
// Live updates: one EventSource; every reconnection starts with a fresh snapshot.

const handlers = {
  snapshot(data) {
    state.nodeId = data.node_id;
    state.mode = data.mode;
    state.length = data.length;
    state.blocks = data.blocks;
    state.pending = data.pending;
    state.peers = data.peers;
    renderChain();
    renderPending();
    renderPeers();
  },
  mined(data) {
    addBlock(data);
    logActivity('mined', 'Mined block #' + text(data.block.block.index) + ' (proof ' + text(data.block.block.proof) + ', ' + data.mining_ms + ' ms)');
  },
  appended(data) {
    addBlock(data);
    logActivity('appended', 'Block #' + data.length + ' from a peer (proof ' + text(data.block.block.proof) + ')');
  },
  replaced(data) {
    const known = new Set(state.blocks.map((b) => b.hash));
    for (const b of data.blocks) if (!known.has(b.hash)) state.fresh.add(b.hash);
    state.replaced = { peer: data.peer, at: new Date(), dropped: data.dropped, droppedCount: data.dropped_count, returnedCount: data.returned_count, length: data.length };
    state.blocks = data.blocks;
    state.length = data.length;
    state.pending = data.pending;
    renderChain();
    renderPending();
    const changes = ['from block #' + data.from + ' on'];
    if (data.dropped_count > 0) changes.push(count(data.dropped_count, 'block') + ' dropped');
    if (data.returned_count > 0) changes.push(count(data.returned_count, 'transaction') + ' pending again');
    logActivity('replaced', 'Chain replaced by the longer chain of ' + peerName(data.peer) + ' (' + data.length + ' blocks, ' + changes.join(', ') + ')');
  },
  transaction(data) {
    state.pending = state.pending.concat([data.transaction]);
    renderPending();
    const tx = data.transaction;
    logActivity('transaction', 'Transaction ' + text(tx.sender) + ' \u2192 ' + text(tx.recipient) + ': ' + text(tx.amount));
  },
  peers(data) {
    state.peers = data.peers;
    renderPeers();
  },
  peerFailure(data) {
    // A peer that stays down fails every sync, every few seconds: once is news, the rest would bury the list.
    if (state.failures.get(data.node) === data.reason) return;
    state.failures.set(data.node, data.reason);
    logActivity('failure', 'Peer ' + peerName(data.node) + ' skipped: ' + data.reason);
  },
};

/** A block that extended this node's chain, mined here or announced by a peer: {block, length, pending}. */
function addBlock(data) {
  state.fresh.add(data.block.hash);
  state.blocks = state.blocks.concat([data.block]).slice(-100);
  state.length = data.length;
  state.pending = data.pending;
  renderChain();
  renderPending();
}

function setConnection(status, message) {
  const p = byId('connection');
  p.dataset.state = status;
  p.textContent = message;
}

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('error', () => setConnection('down', 'connection lost, reconnecting\u2026'));
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => {
      handle(parse(event.data));
      if (name !== 'snapshot') scheduleNetwork();
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The network, side by side. The node fetches its peers' chains (the browser cannot reach them by
// their Docker hostnames). This page's events cover only this node: a block a peer mines shows up
// here once it reaches this node, by gossip or a resolve, and a peer that is behind, or does not
// gossip, announces nothing at all. So the view is also refreshed on a gentle timer while the page
// is visible.

let networkBusy = false;
let networkAgain = false;
let networkSoon = null;

function scheduleNetwork() {
  clearTimeout(networkSoon);
  networkSoon = setTimeout(refreshNetwork, 150);
}

async function refreshNetwork() {
  if (networkBusy) {
    networkAgain = true;
    return;
  }
  networkBusy = true;
  try {
    const response = await fetch('/network?last=' + NETWORK_ROWS, { headers: { accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
    renderNetwork(body.nodes);
  } catch (error) {
    byId('network-summary').textContent = 'Could not load the network view: ' + error.message;
  } finally {
    networkBusy = false;
    if (networkAgain) {
      networkAgain = false;
      refreshNetwork();
    }
  }
}

function memberName(member) {
  return member.node_id || member.address || member.node;
}

/** Colours by rank of node id, so every node's page gives a node the same colour. */
function nodeColors(members) {
  const names = members.map(memberName).sort();
  return members.map((m) => NODE_COLORS[names.indexOf(memberName(m)) % NODE_COLORS.length]);
}

function columnHeader(member, color) {
  const { kind } = standing(member.reachable, member.error);
  const note = member.self ? 'this node' : member.node_id ? null : 'no node id';
  // The reason says what failed (unreachable, timeout, HTTP 500): shown as it is, with nothing added.
  const detail = member.error
    ? el('span', { class: 'status ' + kind, title: member.error, text: member.error })
    : el('span', { class: 'status', text: member.length === null ? 'not asked yet' : member.length + (member.length === 1 ? ' block' : ' blocks') });
  const replaced = member.self && state.replaced !== null ? el('span', { class: 'tag replaced', title: 'adopted the chain of ' + state.replaced.peer, text: 'replaced at ' + clock(state.replaced.at) }) : null;
  return el('th', { class: 'node-col', vars: { '--node': color }, data: { node: member.node } }, [...nodeLabel(member.node_id, member.address, note), detail, replaced]);
}

function renderNetwork(members) {
  const colors = nodeColors(members);
  const chains = members.map((m) => new Map(m.chain.map((link) => [link.index, link.hash])));
  const answered = members.map((m) => m.length !== null);
  const top = Math.max(0, ...members.map((m) => m.length || 0));
  const bottom = Math.max(1, top - NETWORK_ROWS + 1);

  const rows = [];
  let forkFrom = null;
  for (let index = top; index >= bottom; index--) {
    const hashes = chains.map((chain) => chain.get(index));
    const present = new Set(hashes.filter((h, i) => answered[i] && h !== undefined));
    const missing = hashes.some((h, i) => answered[i] && h === undefined);
    const kind = present.size > 1 ? 'fork' : missing ? 'behind' : 'agree';
    if (kind === 'fork') forkFrom = index;
    rows.push(el('tr', { class: kind, data: { index: String(index) } }, [
      el('th', { class: 'row-index', title: kind === 'fork' ? 'the nodes hold different blocks here' : kind === 'behind' ? 'some nodes do not have this block' : 'every node holds this block' },
        ['#' + index, kind === 'fork' ? el('span', { class: 'mark', text: ' \u2260' }) : null]),
      ...hashes.map((hash, i) => {
        if (!answered[i]) return el('td', { class: 'unknown', text: '?' });
        if (hash === undefined) return el('td', { class: 'missing', title: 'not in this chain', text: 'not yet' });
        return el('td', { vars: { '--node': colors[i] } }, [hashChip(hash, kind === 'fork' ? 'differs' : '')]);
      }),
    ]));
  }
  byId('network').replaceChildren(
    el('thead', {}, [el('tr', {}, [el('th', { class: 'row-index', text: 'block' }), ...members.map((m, i) => columnHeader(m, colors[i]))])]),
    el('tbody', {}, rows),
  );
  byId('network-summary').replaceChildren(...networkSummary(members, forkFrom));
}

/**
 * Agreement is only ever claimed over the nodes that answered, and the summary names those that did
 * not: a node that is down may hold anything.
 */
function networkSummary(members, forkFrom) {
  const answered = members.filter((m) => m.length !== null);
  const silent = members.filter((m) => m.length === null).map((m) => memberName(m) + (m.reachable === false ? ' unreachable' : m.error ? ' gave no chain' : ' not asked yet'));
  const lengths = new Set(answered.map((m) => m.length));
  const tips = new Set(answered.map((m) => (m.chain.length > 0 ? m.chain[m.chain.length - 1].hash : '')));
  const unheard = silent.length > 0 ? '; ' + silent.join(', ') + '.' : '.';
  if (lengths.size <= 1 && tips.size <= 1 && forkFrom === null) {
    const chain = 'the same ' + [...lengths][0] + '-block chain';
    if (silent.length === 0) return [el('strong', { class: 'ok', text: 'In agreement: ' }), 'all ' + members.length + ' nodes hold ' + chain + '.'];
    if (answered.length === 1) return [el('strong', { class: 'warn', text: 'Only this node answered' }), unheard];
    return [el('strong', { class: 'warn', text: answered.length + ' of ' + members.length + ' agree' }), ' (' + chain + ')' + unheard];
  }
  const longest = answered.reduce((best, m) => (best === null || m.length > best.length ? m : best), null);
  const parts = [el('strong', { class: 'warn', text: 'Not in agreement: ' })];
  if (forkFrom !== null) parts.push('the chains fork at block #' + forkFrom + '. ');
  parts.push('Longest: ' + memberName(longest) + ' (' + longest.length + ' blocks). ');
  parts.push(state.mode !== null && !state.mode.gossip
    ? 'This node does not gossip: Resolve conflicts makes it adopt the longest chain.'
    : 'Nodes that gossip catch up on their own; resolving conflicts on the others adopts it now.');
  if (silent.length > 0) parts.push(' Not counted: ' + silent.join(', ') + '.');
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Acting on this node through its API

async function callApi(method, path, body) {
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = body;
  }
  const response = await fetch(path, init);
  const raw = await response.text();
  let data = null;
  try {
    data = parse(raw);
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

function showResult(kind, message) {
  const p = byId('action-result');
  p.className = 'result ' + kind;
  p.textContent = message;
}

function showFailure(reply) {
  const reason = reply.data && typeof reply.data.error === 'string' ? reply.data.error : 'no explanation';
  showResult('error', 'HTTP ' + reply.status + ': ' + reason);
}

/**
 * The body is written by hand so that the amount goes out exactly as typed: a JSON number as a
 * number (5.0 stays 5.0), anything else as text, for the API to explain what is wrong with it.
 */
function transactionBody(form) {
  const fields = [];
  for (const name of ['sender', 'recipient', 'amount']) {
    const value = form.elements[name].value.trim();
    if (value === '') continue; // the API names what is missing
    const number = name === 'amount' && /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(value);
    fields.push(JSON.stringify(name) + ':' + (number ? value : JSON.stringify(value)));
  }
  return '{' + fields.join(',') + '}';
}

async function withButton(button, busyText, action) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyText;
  try {
    await action();
  } catch (error) {
    showResult('error', 'The node did not answer: ' + error.message);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function wireActions() {
  const form = byId('tx-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withButton(form.querySelector('button'), 'Sending\u2026', async () => {
      const reply = await callApi('POST', '/transactions/new', transactionBody(form));
      if (!reply.ok) return showFailure(reply);
      showResult('ok', reply.data.message);
      form.elements.amount.value = '';
    });
  });
  byId('mine').addEventListener('click', (event) => {
    withButton(event.currentTarget, 'Mining\u2026', async () => {
      const reply = await callApi('POST', '/mine');
      if (!reply.ok) return showFailure(reply);
      showResult('ok', reply.data.message + ': block #' + reply.data.index + ', proof ' + text(reply.data.proof));
    });
  });
  byId('resolve').addEventListener('click', (event) => {
    withButton(event.currentTarget, 'Resolving\u2026', async () => {
      const reply = await callApi('GET', '/nodes/resolve');
      if (!reply.ok) return showFailure(reply);
      const skipped = reply.data.skipped.map((s) => s.node + ' (' + s.reason + ')');
      showResult('ok', reply.data.message + '.' + (skipped.length > 0 ? ' Skipped: ' + skipped.join(', ') : ''));
      scheduleNetwork();
    });
  });
}

wireActions();
connect();
refreshNetwork();
setInterval(() => {
  if (!document.hidden) refreshNetwork();
}, NETWORK_EVERY_MS);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refreshNetwork();
});
`;
