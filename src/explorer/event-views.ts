import { measureBlock } from '../chain/block-hash-cache.ts';
import type { Block } from '../chain/block.ts';
import { jsonLength } from '../chain/json-length.ts';
import { toJson, type JsonObject, type JsonValue } from '../chain/py-json.ts';
import { isObject } from '../chain/validate.ts';
import { clip } from '../http/clip.ts';

// What the explorer's events say of the chain and the pool, cut to a size an event can carry
// whatever they hold: a block may be MAX_BLOCK_BYTES (8 MiB) and the pool MAX_PENDING_BYTES
// (32 MiB), and every event is written to every open page. Each view's size is counted without
// writing it (jsonLength), and stops being counted once past its budget.

/** Most pending transactions an event lists; `pending_count` says how many there are. The page keeps as many. */
export const PENDING_SHOWN = 50;
/** Most blocks a snapshot or a replaced chain lists: the newest. */
export const CHAIN_TAIL = 100;
/** The transactions a cut block still shows: its first. */
export const CUT_BLOCK_TRANSACTIONS = 5;
/** A transaction longer than this as JSON is shown with its fields cut. */
const TRANSACTION_CHARS = 2048;
/** What a cut transaction or block keeps of each field. */
const FIELD_CHARS = 200;
/** A block listed whole takes `{"hash": "...", "block": ...}` around it. */
const HASHED_BLOCK_CHARS = 90;

/** How many bytes the parts of one event may take, from the most one event may take. */
export interface EventBudget {
  /** Most bytes of the pending transactions listed. */
  pendingBytes: number;
  /** A block larger than this as JSON is sent as a summary (blockView). */
  wholeBlockBytes: number;
  /** Most bytes of the blocks a snapshot or a replaced chain lists. */
  tailBytes: number;
}

/** An event takes at most a quarter of a client's buffer, so a page that reads a little late is not cut off. */
export function eventBudget(eventBufferBytes: number): EventBudget {
  const eventBytes = Math.floor(eventBufferBytes / 4);
  return { pendingBytes: Math.floor(eventBytes / 4), wholeBlockBytes: Math.floor(eventBytes / 8), tailBytes: Math.floor(eventBytes / 2) };
}

/** A transaction as it is, or when large, its reference fields cut to FIELD_CHARS (and no other). */
export function transactionView(transaction: JsonValue): JsonValue {
  if (jsonLength(transaction, 'compact', TRANSACTION_CHARS) <= TRANSACTION_CHARS) return transaction;
  if (!isObject(transaction)) return fieldView(transaction);
  const fields = ['sender', 'recipient', 'amount', 'id'].filter((name) => Object.hasOwn(transaction, name));
  return Object.fromEntries(fields.map((name) => [name, fieldView(transaction[name]!)]));
}

/** A value as it is when short; else, as text, what it starts with (a string) or what it is (a container). */
function fieldView(value: JsonValue): JsonValue {
  if (jsonLength(value, 'compact', FIELD_CHARS) <= FIELD_CHARS) return value;
  if (typeof value === 'string') return clip(value, FIELD_CHARS);
  if (Array.isArray(value)) return `(a list of ${value.length} items, cut)`;
  if (isObject(value)) return `(an object of ${Object.keys(value).length} fields, cut)`;
  return clip(toJson(value), FIELD_CHARS); // a number of more digits than any real amount
}

/**
 * The first PENDING_SHOWN pending transactions that fit in `bytes`, and how many are pending: the
 * pool may hold 100,000.
 */
export function pendingView(pending: readonly JsonValue[], bytes: number): { pending: JsonValue[]; pending_count: number } {
  const shown: JsonValue[] = [];
  let total = 2;
  for (const transaction of pending.slice(0, PENDING_SHOWN)) {
    const view = transactionView(transaction);
    total += jsonLength(view, 'compact', bytes) + 1;
    if (total > bytes) break;
    shown.push(view);
  }
  return { pending: shown, pending_count: pending.length };
}

/**
 * A block with its hash beside it, not inside it (a peer's block may hold any field, `hash` too).
 * A block larger than `wholeBytes` as JSON comes as a summary instead: its reference fields (cut,
 * if long), its first CUT_BLOCK_TRANSACTIONS transactions, `cut: true`, its size and how many
 * transactions it holds.
 */
export function blockView(block: Block, wholeBytes: number): JsonObject {
  const { hash, bytes } = measureBlock(block);
  if (bytes <= wholeBytes) return { hash, block };
  const transactions = Array.isArray(block.transactions) ? block.transactions : [];
  const head: JsonObject = {};
  for (const name of ['index', 'timestamp', 'proof', 'previous_hash']) if (Object.hasOwn(block, name)) head[name] = fieldView(block[name]!);
  head.transactions = transactions.slice(0, CUT_BLOCK_TRANSACTIONS).map(transactionView);
  return { hash, block: head, cut: true, bytes, transaction_count: transactions.length };
}

/** Where a window of blocks is anchored, by position (1 is the genesis block): at its newest block, or at its oldest. */
export type WindowAnchor = { to: number } | { from: number };

/** The newest blocks of `chain` (at most CHAIN_TAIL) whose views fit in the budget, oldest first; the newest always. */
export function tailView(chain: readonly Block[], budget: EventBudget): JsonObject[] {
  return windowView(chain, { to: chain.length }, budget);
}

/**
 * At most CHAIN_TAIL blocks of `chain` whose views fit in the budget, oldest first: those up to
 * position `to` (that one always, or the tip when `to` is past it), or those from position `from`
 * on (that one always; none when it is past the tip). Only the blocks shown are read, however long
 * the chain.
 */
export function windowView(chain: readonly Block[], anchor: WindowAnchor, { wholeBlockBytes, tailBytes }: EventBudget): JsonObject[] {
  const down = 'to' in anchor;
  const views: JsonObject[] = [];
  let total = 2;
  let position = down ? Math.min(anchor.to, chain.length) : anchor.from;
  for (; views.length < CHAIN_TAIL && position >= 1 && position <= chain.length; position += down ? -1 : 1) {
    const block = chain[position - 1]!;
    const view = blockView(block, wholeBlockBytes);
    // A whole block's canonical JSON is no shorter than what toJson writes: the count errs on the safe side.
    total += (view.cut === true ? jsonLength(view, 'compact') : measureBlock(block).bytes + HASHED_BLOCK_CHARS) + 1;
    if (total > tailBytes && views.length > 0) break;
    views.push(view);
  }
  return down ? views.reverse() : views;
}
