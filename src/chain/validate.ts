import { REWARD_SENDER, type Block, type Transaction } from './block.ts';
import { cachedHash, measureWithin, rememberMeasure, shareHash } from './block-hash-cache.ts';
import { jsonLength } from './json-length.ts';
import { isValidProof } from './proof-of-work.ts';
import { PyFloat, toJson, type JsonObject, type JsonValue } from './py-json.ts';
import type { ChainRules } from './rules.ts';

/** Why something was rejected; validation never throws and never logs, the caller decides. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Verdict<T> => ({ ok: true, value });
const fail = <T>(reason: string): Verdict<T> => ({ ok: false, reason });

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}

export function isNumber(value: JsonValue | undefined): boolean {
  return typeof value === 'number' || typeof value === 'bigint' || value instanceof PyFloat;
}

/**
 * The reference's `valid_chain`: every block's previous_hash is the hash of the block before it, and
 * every proof is valid after the one before it, under `rules`. Input the reference would crash on
 * is rejected with a reason: a non-array or empty chain, a block that is not an object or lacks a
 * field the rules read.
 *
 * On top of it, three rules the reference's `valid_chain` does not read, which every chain the
 * reference builds keeps anyway, so no chain a reference node serves is rejected:
 * - the first block is a genesis block as the reference's `new_block(previous_hash=1, proof=100)`
 *   makes it: exactly `{index: 1, timestamp, transactions: [], proof: 100, previous_hash: 1}`. Any
 *   timestamp number is accepted, since each reference node stamps its own. Without this, a peer
 *   could have a node adopt a history that does not start where every node's starts;
 * - each block's `index` is its position, as `new_block` numbers them (`len(chain) + 1`), so a
 *   chain whose indexes are all 1 is not taken for a longer history;
 * - each proof is an integer from 0 to 2^53 - 1, as the reference's counter from 0 always is (see
 *   validLinks), and each block fits `rules.maxBlockBytes`.
 */
export function validChain(chain: JsonValue | undefined, rules: ChainRules): Verdict<Block[]> {
  if (!Array.isArray(chain)) return fail('chain is not an array');
  if (chain.length === 0) return fail('chain is empty');
  const genesis = chain[0];
  if (!isObject(genesis)) return fail('block 1 is not an object');
  const unlike = unlikeGenesis(genesis);
  if (unlike !== undefined) return fail(`block 1 is not a genesis block: ${unlike}`);
  return validLinks(chain, undefined, 1, rules);
}

const GENESIS_FIELDS = ['index', 'timestamp', 'transactions', 'proof', 'previous_hash'];

/** What makes `block` other than a genesis block as the reference makes one, or undefined when it is one. */
function unlikeGenesis(block: JsonObject): string | undefined {
  const missing = GENESIS_FIELDS.filter((name) => !Object.hasOwn(block, name));
  if (missing.length > 0) return `it has no ${missing.join(', ')}`;
  const extra = Object.keys(block).filter((name) => !GENESIS_FIELDS.includes(name));
  if (extra.length > 0)
    return `it has ${extra.length === 1 ? 'a field' : 'fields'} ${glimpse(extra.join(', '))} besides ${GENESIS_FIELDS.join(', ')}`;
  const { index, timestamp, transactions, proof, previous_hash: previousHash } = block;
  if (index !== 1) return `index is ${glimpse(index)}, not 1`;
  if (!isFiniteNumber(timestamp)) return `timestamp is ${glimpse(timestamp)}, not a number`;
  if (!Array.isArray(transactions) || transactions.length > 0) return `transactions is ${glimpse(transactions)}, not []`;
  if (proof !== 100) return `proof is ${glimpse(proof)}, not 100`;
  if (previousHash !== 1) return `previous_hash is ${glimpse(previousHash)}, not 1`;
  return undefined;
}

function isFiniteNumber(value: JsonValue | undefined): boolean {
  if (typeof value === 'bigint') return true;
  if (value instanceof PyFloat) return Number.isFinite(value.value);
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * `blocks` as the continuation of a chain whose block at position `from - 1` is `anchor`: the part
 * of a peer's chain that this node lacks. Valid when the chain it makes with the anchor's chain
 * would be, with no block before the anchor checked again.
 */
export function validExtension(anchor: Block, from: number, blocks: JsonValue | undefined, rules: ChainRules): Verdict<Block[]> {
  if (!Array.isArray(blocks)) return fail('blocks is not an array');
  if (blocks.length === 0) return fail('no blocks');
  const previous = { hash: cachedHash(anchor), proof: anchor.proof };
  return validLinks(blocks, previous, from, rules);
}

interface Link {
  hash: string;
  proof: JsonValue;
}

/**
 * Checks `blocks`, the first at position `from`, each against the one before it (`previous` for
 * the first). A proof must be an integer from 0 to 2^53 - 1, a deviation from the reference, whose
 * rule hashes Python's str() of any value: its own proofs are always such integers (a counter from
 * 0), and a proof of any other kind is only ever an attack. A megabyte string, say, would be
 * hashed again for every guess of every block mined after it.
 */
function validLinks(blocks: JsonValue[], previous: Link | undefined, from: number, rules: ChainRules): Verdict<Block[]> {
  // One pass, each block written once: its canonical JSON gives its size and its hash.
  let previousBlock: JsonObject | undefined;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const position = from + i;
    const where = `block ${position}`;
    if (!isObject(block)) return fail(`${where} is not an object`);
    const index = field(block, 'index');
    if (index === undefined) return fail(`${where} has no index`);
    if (index !== position) return fail(`${where} has index ${glimpse(index)}; expected ${position}`);
    const proof = field(block, 'proof');
    if (proof === undefined) return fail(`${where} has no proof`);
    if (!isProofNumber(proof))
      return fail(`${where}: proof must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, not ${glimpse(proof)}`);
    if (previous !== undefined) {
      const previousHash = field(block, 'previous_hash');
      if (previousHash === undefined) return fail(`${where} has no previous_hash`);
      if (previousHash !== previous.hash) return fail(`${where}: previous_hash does not match the hash of block ${position - 1}`);
      if (!isValidProof(previous.proof, proof, rules, previous.hash))
        return fail(`${where}: proof ${proof} is not valid after block ${position - 1}`);
      if (previousBlock !== undefined) shareHash(previousBlock, previousHash);
    }
    const measure = measureWithin(block, rules.maxBlockBytes);
    if (measure === undefined) return fail(`${where} is ${jsonLength(block, 'canonical')} bytes as JSON; at most ${rules.maxBlockBytes}`);
    const twice = idHeldTwice(block);
    if (twice !== undefined) return fail(`${where} holds id ${glimpse(twice)} twice`);
    // The one serialisation of the block, kept for whoever asks next: the next block here, then
    // mining on the new tip, or a peer asking for it.
    previous = { hash: rememberMeasure(block, measure).hash, proof };
    previousBlock = block;
  }
  return ok(blocks as Block[]);
}

/**
 * An id that two of `block`'s transactions carry, if any. No node mines such a block: a chainlab
 * node's pool holds one transaction per id, and a reference node gives none. Refused so that one
 * block cannot file thousands of copies under one id; several blocks holding one id stay valid,
 * since a block that carries a pending transaction's id with other content must not hide it.
 */
function idHeldTwice(block: JsonObject): string | undefined {
  const transactions = field(block, 'transactions');
  if (!Array.isArray(transactions)) return undefined;
  // Most blocks carry one id (a transaction) or none: a set is made only for a second.
  let first: string | undefined;
  let ids: Set<string> | undefined;
  for (const transaction of transactions) {
    if (!isObject(transaction) || !Object.hasOwn(transaction, 'id')) continue;
    const id = transaction.id;
    if (typeof id !== 'string') continue;
    if (first === undefined) {
      first = id;
      continue;
    }
    ids ??= new Set([first]);
    if (ids.has(id)) return id;
    ids.add(id);
  }
  return undefined;
}

/** A proof as the reference's proof of work makes one: a counter from 0, within a JSON number's exact integers. */
function isProofNumber(proof: JsonValue): proof is number {
  return typeof proof === 'number' && Number.isSafeInteger(proof) && proof >= 0;
}

/** An own property only: `constructor` or `__proto__` must not count as present. */
function field(object: JsonObject, name: string): JsonValue | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/**
 * A peer's value as a reason shows it, cut short (see glimpse): never the value written out whole,
 * which for an array of 95 million strings would outgrow V8's strings and throw.
 */
export function shown(value: JsonValue | undefined): string {
  return glimpse(value);
}

const GLIMPSE_CHARS = 40;

/**
 * A value as a reason shows it, cut short: a peer's field may be megabytes, and a reason is logged
 * and sent back. Long strings are cut before they are written, containers are only described.
 */
function glimpse(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `an array of ${value.length}`;
  if (isObject(value)) return 'an object';
  if (typeof value === 'string' && value.length > GLIMPSE_CHARS)
    return `${toJson(value.slice(0, GLIMPSE_CHARS))}... (${value.length} characters)`;
  // What is left is a scalar of bounded size (the parser bounds a number's digits).
  const text = typeof value === 'string' || value instanceof PyFloat ? toJson(value) : String(value);
  return text.length > GLIMPSE_CHARS ? `${text.slice(0, GLIMPSE_CHARS)}... (${text.length} characters)` : text;
}

/** A peer's `GET /chain` body: `{chain, length}` with a valid chain of that length. */
export function validChainResponse(body: JsonValue, rules: ChainRules): Verdict<Block[]> {
  if (!isObject(body)) return fail('response is not a JSON object');
  if (!Array.isArray(body.chain)) return fail('response has no chain array');
  if (body.length !== body.chain.length) return fail(`length ${shown(body.length)} does not match a chain of ${body.chain.length} blocks`);
  const verdict = validChain(body.chain, rules);
  return verdict.ok ? verdict : fail(`invalid chain: ${verdict.reason}`);
}

const TRANSACTION_FIELDS = ['sender', 'recipient', 'amount'] as const;

/** A transaction id: what this node gives (32 hex digits), or what a client or peer chose. */
export const TRANSACTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What a caller of validTransaction asks of a transaction beyond the reference's fields. */
export interface TransactionRequirements {
  /** The `id` must be present: a peer's transactions always have one, since every chainlab node gives one. */
  readonly idRequired?: boolean;
}

/**
 * The body of `POST /transactions/new`, or one transaction a peer passed on. The reference keeps
 * only sender, recipient and amount; so do we, plus an `id` (see Transaction.id), which a client
 * may choose so that a retry is recognised as the same transaction. A sender of "0" is refused, a
 * deviation from the reference, which accepts it: a pending "reward" would be put in every block
 * mined, and rewards exist only inside the blocks that pay them.
 */
export function validTransaction(body: JsonValue, { idRequired = false }: TransactionRequirements = {}): Verdict<Transaction> {
  if (!isObject(body)) return fail('Missing values: the body must be a JSON object with sender, recipient and amount');
  const missing = TRANSACTION_FIELDS.filter((field) => !Object.hasOwn(body, field));
  if (missing.length > 0) return fail(`Missing values: ${missing.join(', ')}`);
  const { sender, recipient, amount } = body;
  if (typeof sender !== 'string' || sender === '') return fail('sender must be a non-empty string');
  if (sender === REWARD_SENDER) return fail(`sender "${REWARD_SENDER}" is the mining reward's: rewards exist only inside blocks`);
  if (typeof recipient !== 'string' || recipient === '') return fail('recipient must be a non-empty string');
  if (!isNumber(amount) || (typeof amount === 'number' && !Number.isFinite(amount))) return fail('amount must be a finite number');
  const id = Object.hasOwn(body, 'id') ? body.id : undefined;
  if (id === undefined) {
    if (idRequired) return fail('id is required: every chainlab node gives the transactions it accepts one');
    return ok({ sender, recipient, amount: amount as JsonValue });
  }
  if (typeof id !== 'string' || !TRANSACTION_ID.test(id)) return fail('id must be 1 to 64 letters, digits, - or _');
  return ok({ sender, recipient, amount: amount as JsonValue, id });
}
