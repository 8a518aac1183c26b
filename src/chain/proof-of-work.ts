import { hash } from 'node:crypto';
import { searchSingleBlock } from './proof-search.ts';
import { pythonStr, type JsonValue } from './py-json.ts';
import type { ChainRules } from './rules.ts';

/**
 * What a proof must cover. `notebook` (POW_RULE's default) is the reference's rule: the previous proof
 * only, so a block's contents can be changed without redoing any proof (the reference's issue #10).
 * `linked` is the tutorial's later fix: the previous block's hash is part of every guess.
 */
export type PowRule = 'notebook' | 'linked';
export const POW_RULES: readonly PowRule[] = ['notebook', 'linked'];

/**
 * The reference's `valid_proof`: the hex sha256 of `f"{last_proof}{proof}"` starts with
 * `rules.difficulty` zeros. Python's str() of each value is what gets hashed, as the reference
 * does for any scalar; arrays and objects are never valid here. A chain's proofs are integers
 * from 0 to 2^53 - 1 before they get here (see validChain): the reference's own always are. Under
 * the `linked` rule the previous block's hash, `lastHash`, follows, as in
 * `f"{last_proof}{proof}{last_hash}"`; the notebook's rule does not read it.
 */
export function isValidProof(lastProof: JsonValue, proof: JsonValue, rules: ChainRules, lastHash: string): boolean {
  const last = pythonStr(lastProof);
  const current = pythonStr(proof);
  if (last === undefined || current === undefined) return false;
  const guess = last + current + guessSuffix(rules.powRule, lastHash);
  // One-shot, in hex: a chain of 10,000 blocks checks 10,000 proofs; createHash costs as much as
  // the hash, and a Buffer for each digest three times what its hex string does.
  return hexLeadingZeros(hash('sha256', guess), rules.difficulty);
}

/** What follows the two proofs in every guess under `rule`: the previous block's hash (linked), or nothing (the notebook's). */
export function guessSuffix(rule: PowRule, lastHash: string): string {
  return rule === 'linked' ? lastHash : '';
}

/** True when the digest, written in hex, starts with `zeros` zero digits. */
export function hasLeadingZeros(digest: Uint8Array, zeros: number): boolean {
  const fullBytes = zeros >> 1;
  for (let i = 0; i < fullBytes; i++) if (digest[i] !== 0) return false;
  return zeros % 2 === 0 || (digest[fullBytes] ?? 0) < 0x10;
}

/** hasLeadingZeros for a digest written in hex. */
export function hexLeadingZeros(hex: string, zeros: number): boolean {
  for (let i = 0; i < zeros; i++) if (hex.charCodeAt(i) !== 0x30) return false;
  return true;
}

/**
 * The smallest proof in [start, end) valid after `lastProof` (already Python's str() of it), or
 * undefined: the search itself, below the rules. `suffix` is what follows the two proofs in every
 * guess (see guessSuffix): the previous block's hash under the `linked` rule, '' under the
 * notebook's. The reference's `proof_of_work` is `searchProof(str(last_proof), 4, 0, ∞, '')`.
 */
export function searchProof(lastProof: string, difficulty: number, start: number, end: number, suffix: string): number | undefined {
  // A linked guess carries 64 hex digits of hash, so it never fits the one SHA-256 block the fast
  // search is built on: the linked rule is a lesson, and mines at one-shot hash()'s pace.
  const fast = suffix === '' ? searchSingleBlock(lastProof, difficulty, start, end) : { proof: undefined, next: start };
  if (fast.proof !== undefined) return fast.proof;
  // What the fast search leaves (guesses of 56 bytes or more, odd ranges or difficulties) is hashed one by one.
  for (let proof = fast.next; proof < end; proof++) {
    if (hexLeadingZeros(hash('sha256', lastProof + proof + suffix), difficulty)) return proof;
  }
  return undefined;
}
