import { createHash } from 'node:crypto';
import { rewardTransaction, type Block, type Transaction } from '../../src/chain/block.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { hasLeadingZeros, searchProof } from '../../src/chain/proof-of-work.ts';
import { pyFloat, pythonStr } from '../../src/chain/py-json.ts';

/** What the attacker of issue 11 puts before the digits of its proof: a megabyte of one letter. */
export const HUGE_PROOF_PREFIX = 'A'.repeat(1_000_000);

/**
 * `chain` and one more block whose proof is a string, a megabyte and a few digits, valid under
 * the reference's rule (the hex sha256 of `f"{last_proof}{proof}"` starts with `difficulty`
 * zeros). The digits are searched from a copy of the prefix's SHA-256 state, as the attacker
 * does in a fraction of a second; an honest miner building on it hashes the megabyte again for
 * every guess.
 */
export function withHugeProof(chain: readonly Block[], difficulty: number): Block[] {
  const tip = chain[chain.length - 1]!;
  const prefix = createHash('sha256').update(pythonStr(tip.proof)! + HUGE_PROOF_PREFIX);
  let digits = 0;
  while (!hasLeadingZeros(prefix.copy().update(String(digits)).digest(), difficulty)) digits++;
  const timestampSeconds = 1_800_000_000.25 + chain.length;
  return [...chain, nextBlock(chain, [rewardTransaction('byzantine')], HUGE_PROOF_PREFIX + String(digits), timestampSeconds)];
}

/** Whether `proof` follows `lastProof` under the reference's rule, whatever kind of value it is. */
export function satisfiesReferencePow(lastProof: Block['proof'], proof: Block['proof'], difficulty: number): boolean {
  const guess = pythonStr(lastProof)! + pythonStr(proof)!;
  return hasLeadingZeros(createHash('sha256').update(guess).digest(), difficulty);
}

/**
 * The block a peer would mine on `chain`'s tip under the notebook's rule, as the reference's
 * `new_block` makes it: `transactions`, then a reward to `miner`, and a valid proof at
 * `difficulty`, stamped `timestampSeconds`.
 */
export function blockOnTip(
  chain: readonly Block[],
  transactions: readonly Transaction[],
  { difficulty, miner, timestampSeconds }: { difficulty: number; miner: string; timestampSeconds: number },
): Block {
  const tip = chain[chain.length - 1]!;
  const proof = searchProof(pythonStr(tip.proof)!, difficulty, 0, Number.MAX_SAFE_INTEGER, '')!;
  return nextBlock(chain, [...transactions, rewardTransaction(miner)], proof, timestampSeconds);
}

function nextBlock(chain: readonly Block[], transactions: Transaction[], proof: Block['proof'], timestampSeconds: number): Block {
  return {
    index: chain.length + 1,
    timestamp: pyFloat(timestampSeconds),
    transactions,
    proof,
    previous_hash: hashBlock(chain[chain.length - 1]!),
  };
}
