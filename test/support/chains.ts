import type { Block } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { searchProof } from '../../src/chain/proof-of-work.ts';
import { pythonStr, toJson } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';

/** A valid chain of `length` blocks under `rule`, each with one transaction besides the reward. */
export function buildChain(
  length: number,
  { difficulty = 4, miner = 'test-miner', startSeconds = 1_800_000_000.25, rule = 'notebook' } = {},
): Block[] {
  const blockchain = new Blockchain();
  while (blockchain.length < length) {
    blockchain.apply({ type: 'transaction', transaction: { sender: 'alice', recipient: 'bob', amount: blockchain.length } });
    const lastHash = rule === 'linked' ? hashBlock(blockchain.lastBlock) : '';
    const proof = searchProof(pythonStr(blockchain.lastBlock.proof)!, difficulty, 0, Number.MAX_SAFE_INTEGER, lastHash)!;
    blockchain.apply({ type: 'block', block: blockchain.forgeBlock(proof, startSeconds + blockchain.length, miner) });
  }
  return [...blockchain.chain];
}

/** A deep copy through our own JSON, the way a peer's chain arrives (structuredClone would lose PyFloat). */
export function copyChain(chain: readonly Block[]): Block[] {
  const parsed = parseJson(toJson([...chain]));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value as Block[];
}
