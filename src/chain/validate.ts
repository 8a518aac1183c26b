import type { Block, Transaction } from './block.ts';
import { hashBlock } from './hash.ts';
import { isValidProof } from './proof-of-work.ts';
import { PyFloat, pythonStr, type JsonObject, type JsonValue } from './py-json.ts';

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
 * every proof is valid after the one before it. On top of it, input the reference would crash on is
 * rejected with a reason: a non-array or empty chain, a block that is not an object or lacks a field
 * the rules read. No chain the reference accepts is rejected, except one whose proof is an array or
 * object (Python's str() of those is not reproduced).
 */
export function validChain(chain: JsonValue | undefined, difficulty: number): Verdict<Block[]> {
  if (!Array.isArray(chain)) return fail('chain is not an array');
  if (chain.length === 0) return fail('chain is empty');
  let previous: { hash: string; proof: JsonValue } | undefined;
  for (let i = 0; i < chain.length; i++) {
    const block = chain[i];
    const where = `block ${i + 1}`;
    if (!isObject(block)) return fail(`${where} is not an object`);
    if (chain.length === 1) break; // the reference reads nothing of a lone genesis block
    const proof = field(block, 'proof');
    if (proof === undefined) return fail(`${where} has no proof`);
    if (pythonStr(proof) === undefined) return fail(`${where}: proof must be a number or a string`);
    if (previous !== undefined) {
      const previousHash = field(block, 'previous_hash');
      if (previousHash === undefined) return fail(`${where} has no previous_hash`);
      if (previousHash !== previous.hash) return fail(`${where}: previous_hash does not match the hash of block ${i}`);
      if (!isValidProof(previous.proof, proof, difficulty)) return fail(`${where}: proof ${pythonStr(proof)} is not valid after block ${i}`);
    }
    if (i < chain.length - 1) previous = { hash: hashBlock(block), proof };
  }
  return ok(chain as Block[]);
}

/** An own property only: `constructor` or `__proto__` must not count as present. */
function field(object: JsonObject, name: string): JsonValue | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/** A peer's `GET /chain` body: `{chain, length}` with a valid chain of that length. */
export function validChainResponse(body: JsonValue, difficulty: number): Verdict<Block[]> {
  if (!isObject(body)) return fail('response is not a JSON object');
  if (!Array.isArray(body.chain)) return fail('response has no chain array');
  if (body.length !== body.chain.length) return fail(`length ${String(body.length)} does not match a chain of ${body.chain.length} blocks`);
  const verdict = validChain(body.chain, difficulty);
  return verdict.ok ? verdict : fail(`invalid chain: ${verdict.reason}`);
}

const TRANSACTION_FIELDS = ['sender', 'recipient', 'amount'] as const;

/** The body of `POST /transactions/new`; the reference keeps only these three fields, so do we. */
export function validTransaction(body: JsonValue): Verdict<Transaction> {
  if (!isObject(body)) return fail('Missing values: the body must be a JSON object with sender, recipient and amount');
  const missing = TRANSACTION_FIELDS.filter((field) => !Object.hasOwn(body, field));
  if (missing.length > 0) return fail(`Missing values: ${missing.join(', ')}`);
  const { sender, recipient, amount } = body;
  if (typeof sender !== 'string' || sender === '') return fail('sender must be a non-empty string');
  if (typeof recipient !== 'string' || recipient === '') return fail('recipient must be a non-empty string');
  if (!isNumber(amount) || (typeof amount === 'number' && !Number.isFinite(amount))) return fail('amount must be a finite number');
  return ok({ sender, recipient, amount: amount as JsonValue });
}
