import { rewardTransaction, type Block, type Transaction } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { searchProof } from '../../src/chain/proof-of-work.ts';
import { pythonStr, toJson } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';

/** MAX_BLOCK_BYTES's default: the largest block, as canonical JSON, unless a test says otherwise. */
export const MAX_BLOCK_BYTES = 8_388_608;

/**
 * A valid chain of `length` blocks under `rule`, each with one transaction besides the reward: from
 * our genesis block, each index its position, each proof an integer, as validChain requires.
 */
export function buildChain(
  length: number,
  { difficulty = 4, miner = 'test-miner', startSeconds = 1_800_000_000.25, rule = 'notebook' } = {},
): Block[] {
  const blockchain = new Blockchain();
  while (blockchain.length < length) {
    blockchain.apply({ type: 'transaction', transaction: { sender: 'alice', recipient: 'bob', amount: blockchain.length } });
    const lastHash = rule === 'linked' ? hashBlock(blockchain.lastBlock) : '';
    const proof = searchProof(pythonStr(blockchain.lastBlock.proof)!, difficulty, 0, Number.MAX_SAFE_INTEGER, lastHash)!;
    const block = blockchain.forgeBlock(proof, startSeconds + blockchain.length, miner, MAX_BLOCK_BYTES);
    blockchain.apply({ type: 'block', block });
  }
  return [...blockchain.chain];
}

/** A deep copy through our own JSON, the way a peer's chain arrives (structuredClone would lose PyFloat). */
export function copyChain(chain: readonly Block[]): Block[] {
  const parsed = parseJson(toJson([...chain]));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value as Block[];
}

/** A block on `blockchain`'s tip holding `transactions`, then a reward to `miner`; its proof is not checked. */
export function blockOn(blockchain: Blockchain, transactions: Transaction[], miner = 'm'): Block {
  const block = blockchain.forgeBlock(1, 1_800_000_000.5, miner, MAX_BLOCK_BYTES);
  return { ...block, transactions: [...transactions, rewardTransaction(miner)] };
}
