import type { Block } from './block.ts';
import { cachedHash } from './block-hash-cache.ts';

/** A peer's chain as consensus weighs it: who has it, and how long it is. */
export interface Candidate {
  peer: string;
  length: number;
}

/**
 * The reference's `resolve_conflicts` rule, as an order: the chains strictly longer than ours,
 * longest first. Candidates come in the order their peers were registered, and among equals the
 * first stays first, as in the reference's loop, so the outcome never depends on which peer
 * answered first. A node takes the first of them that proves valid: the one the reference adopts.
 */
export function preferenceOrder<T extends Candidate>(ourLength: number, candidates: readonly T[]): T[] {
  return candidates.filter((candidate) => candidate.length > ourLength).sort((a, b) => b.length - a.length);
}

/**
 * The position (1-based) of the first block where `theirs` departs from `ours`: what adopting
 * `theirs` replaces from. Blocks are compared by hash, so a peer's copy of one of our blocks counts
 * as the same block. `ours.length + 1` when `theirs` only extends ours.
 */
export function forkPoint(ours: readonly Block[], theirs: readonly Block[]): number {
  const shared = Math.min(ours.length, theirs.length);
  let i = 0;
  while (i < shared && (ours[i] === theirs[i] || cachedHash(ours[i]!) === cachedHash(theirs[i]!))) i++;
  return i + 1;
}
