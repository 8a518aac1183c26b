import type { Block } from './block.ts';

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
