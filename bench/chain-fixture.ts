import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '../src/chain/block.ts';
import { Blockchain } from '../src/chain/blockchain.ts';
import { FileStore } from '../src/store/file-store.ts';
import { BENCH_DIR } from './paths.ts';

/**
 * The first proofs of every chain at difficulty 4, from the genesis proof 100 on. A proof depends
 * only on the one before it (the notebook's rule), so one list serves every chain, ours and the
 * reference's, and long chains can be built without mining them again: see fixtures/README.md.
 */
export function loadProofs(): number[] {
  return JSON.parse(readFileSync(join(BENCH_DIR, 'fixtures', 'proofs-d4.json'), 'utf8')) as number[];
}

/** A valid chain of `length` blocks at difficulty 4, each with one transaction and the reward. */
export function buildChain(length: number, proofs: readonly number[] = loadProofs()): Block[] {
  if (length > proofs.length) throw new Error(`only ${proofs.length} proofs in fixtures/proofs-d4.json, ${length} needed`);
  const blockchain = new Blockchain();
  for (let i = 1; i < length; i++) {
    blockchain.apply({ type: 'transaction', transaction: { sender: 'bench-sender', recipient: 'bench-recipient', amount: i } });
    blockchain.apply({ type: 'block', block: blockchain.forgeBlock(proofs[i]!, 1_800_000_000.5 + i, 'bench-miner', 8_388_608) });
  }
  return [...blockchain.chain];
}

/** Makes `dir` a DATA_DIR whose node starts holding `blocks`: a node restored, not one that fetched them. */
export async function storeChain(dir: string, blocks: readonly Block[]): Promise<void> {
  const store = await FileStore.open(dir, { warn: () => undefined, error: () => undefined });
  try {
    await store.record({ type: 'chain', from: 1, blocks: [...blocks] });
  } finally {
    await store.close();
  }
}
