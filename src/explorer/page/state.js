// @ts-check
// What the page knows of its node, as the node's events told it, and the shapes those events and
// GET /network give (the OpenAPI document, GET /openapi.json, is their contract).

/** @typedef {{ gossip: boolean, sync_interval_ms: number, pow_rule: string, tx_rule?: string, miner_address?: string, difficulty: number }} Mode as GET /health gives it */
/**
 * A transaction as a block holds it. Blocks come from peers, and a peer's block may hold anything:
 * every field is shown as text, whatever it is.
 * @typedef {{ sender?: unknown, recipient?: unknown, amount?: unknown, nonce?: unknown, signature?: unknown } | null} Transaction
 */
/** @typedef {{ index?: unknown, previous_hash?: unknown, proof?: unknown, timestamp?: unknown, transactions?: unknown }} Block */
/**
 * A block with its hash beside it. A large block comes cut: `block` holds its reference fields and
 * only its first transactions, `cut` is true, and `bytes` and `transaction_count` say what it holds.
 * @typedef {{ hash: string, block: Block, cut?: boolean, bytes?: number, transaction_count?: number }} HashedBlock
 */
/**
 * @typedef {object} Peer as GET /nodes lists it
 * @property {string} node
 * @property {string | null} node_id
 * @property {boolean | null} reachable
 * @property {number | null} last_seen
 * @property {number | null} length
 * @property {string | null} last_error
 */
/**
 * @typedef {object} Member one node's chain in GET /network: positions and hashes only
 * @property {string} node
 * @property {boolean} self
 * @property {string | null} node_id
 * @property {string | null} address
 * @property {boolean | null} reachable
 * @property {number | null} length
 * @property {{ index: number, hash: string }[]} chain
 * @property {string | null} error
 * @property {LabMember | null} [lab] with GET /network?lab=1: null when the node's lab is off
 */
/**
 * @typedef {object} DroppedBlock a block a node dropped in a reorg, with the transactions of it that went back to its pool
 * @property {number | null} index
 * @property {string} hash
 * @property {string | null} previous_hash
 * @property {string | null} replaced_by the peer whose chain replaced it
 * @property {Transaction[]} returned
 * @property {number} returned_count
 */
/**
 * @typedef {object} LabMember a node's lab as GET /network?lab=1 gives it (src/explorer/lab-view.ts)
 * @property {Faults | null} faults GET /lab as the node gave it
 * @property {boolean | null} valid GET /chain/verify's verdict on its own chain
 * @property {string[]} reasons
 * @property {DroppedBlock[]} dropped
 * @property {number} dropped_count
 * @property {string | null} error
 */
/**
 * GET /lab: a node's faults. Read leniently (every field may be missing): the page shows what it finds.
 * @typedef {{ groups?: string[][] | null, links?: unknown, paused?: boolean, mining?: unknown }} Faults
 */
/**
 * @typedef {object} BlockWindow a stretch of the chain fetched by position (GET /blocks)
 * @property {number} from the position of its first block
 * @property {HashedBlock[]} blocks oldest first
 */
/**
 * @typedef {object} Replacement what the page says of the chain this node last adopted
 * @property {string} peer
 * @property {Date} at
 * @property {number} length
 * @property {{ index: number, hash: string }[]} dropped
 * @property {number} droppedCount
 * @property {number} returnedCount
 */

export const state = {
  /** @type {string | null} */
  nodeId: null,
  /** @type {Mode | null} */
  mode: null,
  length: 0,
  /** @type {HashedBlock[]} the newest blocks of the chain, oldest first */
  blocks: [],
  /** @type {BlockWindow | null} the older blocks the chain panel shows instead of the newest; null: it follows the tip */
  window: null,
  /** @type {number | null} the block asked for by its index, marked where it is drawn */
  target: null,
  /** @type {Transaction[]} the first pending transactions (the node sends at most PENDING_SHOWN) */
  pending: [],
  /** how many transactions are pending, listed or not */
  pendingCount: 0,
  /** @type {Peer[]} */
  peers: [],
  /** @type {Replacement | null} after this node adopted another chain */
  replaced: null,
  /** @type {Set<string>} hashes to flash once when drawn */
  fresh: new Set(),
  /** @type {Map<string, string>} peer -> the reason last put in the activity list, until it answers again */
  failures: new Map(),
  /** @type {Faults | null} this node's GET /lab; null while its lab is off (LAB=off: 404) */
  lab: null,
  /** @type {Member[]} the nodes as the last network view gave them */
  members: [],
  /** @type {string | null} the address of the key this browser keeps (wallet.js), under TX_RULE=signed */
  walletAddress: null,
};

/** Most pending transactions the page lists, as the node sends at most (src/explorer/event-views.ts). */
export const PENDING_SHOWN = 50;

/**
 * What the chain panel draws: the window asked for, or else the newest blocks the events brought,
 * which end at the tip. `from` is the position of the first.
 * @returns {BlockWindow & { live: boolean }}
 */
export function shownBlocks() {
  if (state.window !== null) return { ...state.window, live: false };
  return { from: state.length - state.blocks.length + 1, blocks: state.blocks, live: true };
}
