import type { Block } from './block.ts';
import { cachedHash } from './block-hash-cache.ts';

export interface Candidate {
  peer: string;
  chain: Block[];
}

/**
 * The reference's `resolve_conflicts` rule: the longest valid chain that is strictly longer than
 * ours. Candidates come in the order their peers were registered and the first of equal length
 * wins, as in the reference's loop, so the outcome never depends on which peer answered first.
 */
export function longestChain(ourLength: number, candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (candidate.chain.length > (best?.chain.length ?? ourLength)) best = candidate;
  }
  return best;
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
