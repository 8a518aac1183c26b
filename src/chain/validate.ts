import type { Block, Transaction } from './block.ts';
import { hashBlock } from './hash.ts';
import { isValidProof } from './proof-of-work.ts';
import { PyFloat, pythonStr, toJson, type JsonObject, type JsonValue } from './py-json.ts';
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
 * every proof is valid after the one before it, under `rules`. On top of it, input the
 * reference would crash on is rejected with a reason: a non-array or empty chain, a block that is not
 * an object or lacks a field the rules read. No chain the reference accepts is rejected, except one
 * whose proof is an array or object (Python's str() of those is not reproduced).
 */
export function validChain(chain: JsonValue | undefined, rules: ChainRules): Verdict<Block[]> {
  if (!Array.isArray(chain)) return fail('chain is not an array');
  if (chain.length === 0) return fail('chain is empty');
  if (chain.length === 1) return isObject(chain[0]) ? ok(chain as Block[]) : fail('block 1 is not an object'); // the reference reads nothing of a lone genesis block
  return validLinks(chain, undefined, 1, rules);
}

/**
 * `blocks` as the continuation of a chain whose block at position `from - 1` is `anchor`: the part
 * of a peer's chain that this node lacks. Valid when the chain it makes with the anchor's chain
 * would be, with no block before the anchor checked again.
 */
export function validExtension(anchor: Block, from: number, blocks: JsonValue | undefined, rules: ChainRules): Verdict<Block[]> {
  if (!Array.isArray(blocks)) return fail('blocks is not an array');
  if (blocks.length === 0) return fail('no blocks');
  const previous = { hash: hashBlock(anchor), proof: anchor.proof };
  return validLinks(blocks, previous, from, rules);
}

interface Link {
  hash: string;
  proof: JsonValue;
}

/** Checks `blocks`, the first at position `from`, each against the one before it (`previous` for the first). */
function validLinks(blocks: JsonValue[], previous: Link | undefined, from: number, rules: ChainRules): Verdict<Block[]> {
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const position = from + i;
    const where = `block ${position}`;
    if (!isObject(block)) return fail(`${where} is not an object`);
    const proof = field(block, 'proof');
    if (proof === undefined) return fail(`${where} has no proof`);
    if (pythonStr(proof) === undefined) return fail(`${where}: proof must be a number or a string`);
    if (previous !== undefined) {
      const previousHash = field(block, 'previous_hash');
      if (previousHash === undefined) return fail(`${where} has no previous_hash`);
      if (previousHash !== previous.hash) return fail(`${where}: previous_hash does not match the hash of block ${position - 1}`);
      if (!isValidProof(previous.proof, proof, rules, previous.hash))
        return fail(`${where}: proof ${pythonStr(proof)} is not valid after block ${position - 1}`);
    }
    // The last block's hash is nobody's previous_hash: not computing it saves a hash per chain.
    if (i < blocks.length - 1) previous = { hash: hashBlock(block), proof };
  }
  return ok(blocks as Block[]);
}

/** An own property only: `constructor` or `__proto__` must not count as present. */
function field(object: JsonObject, name: string): JsonValue | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/** A value as a reason shows it: an array or object as JSON, where String() would say [object Object]. */
export function shown(value: JsonValue | undefined): string {
  return typeof value === 'object' && value !== null ? toJson(value) : String(value);
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

/**
 * The body of `POST /transactions/new`. The reference keeps only sender, recipient and amount; so
 * do we, plus an optional `id` (see Transaction.id), which a client may choose so that a retry is
 * recognised as the same transaction.
 */
export function validTransaction(body: JsonValue): Verdict<Transaction> {
  if (!isObject(body)) return fail('Missing values: the body must be a JSON object with sender, recipient and amount');
  const missing = TRANSACTION_FIELDS.filter((field) => !Object.hasOwn(body, field));
  if (missing.length > 0) return fail(`Missing values: ${missing.join(', ')}`);
  const { sender, recipient, amount } = body;
  if (typeof sender !== 'string' || sender === '') return fail('sender must be a non-empty string');
  if (typeof recipient !== 'string' || recipient === '') return fail('recipient must be a non-empty string');
  if (!isNumber(amount) || (typeof amount === 'number' && !Number.isFinite(amount))) return fail('amount must be a finite number');
  const { id } = body;
  if (id === undefined) return ok({ sender, recipient, amount: amount as JsonValue });
  if (typeof id !== 'string' || !TRANSACTION_ID.test(id)) return fail('id must be 1 to 64 letters, digits, - or _');
  return ok({ sender, recipient, amount: amount as JsonValue, id });
}
