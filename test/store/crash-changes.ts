import type { Blockchain, ChainChange } from '../../src/chain/blockchain.ts';
import { pyFloat } from '../../src/chain/py-json.ts';

/**
 * Change number `seq` of the crash test's history, on top of `blockchain` (which has applied the
 * ones before): mostly transactions, every tenth a block that takes them. Each carries its
 * number (the transaction's id, the block's proof), so a log can be checked for gaps.
 */
export function crashChange(seq: number, blockchain: Blockchain): ChainChange {
  if (seq % 10 === 9) return { type: 'block', block: blockchain.forgeBlock(seq, 1_800_000_000 + seq, 'crash-writer', 8_388_608) };
  return { type: 'transaction', transaction: { sender: 'alice', recipient: 'Zoë', amount: pyFloat(seq), id: `tx-${seq}` } };
}

/** The number a change of this history carries. */
export function sequenceOf(change: ChainChange): number {
  if (change.type === 'transaction') return Number((change.transaction.id as string).slice('tx-'.length));
  if (change.type === 'block') return Number(change.block.proof);
  return NaN;
}
