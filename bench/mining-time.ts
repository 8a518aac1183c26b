import { createMiner } from '../src/node/miner.ts';
import { median, percentile } from './stats.ts';

export interface MiningTimes {
  difficulty: number;
  blocks: number;
  medianMs: number;
  p95Ms: number;
}

/**
 * Mines `blocks` successive proofs at `difficulty` with the node's miner on every core, each
 * after the one before, as a node mining a chain does, and reports the time per block.
 */
export async function miningTimes(difficulty: number, blocks: number, threads: number): Promise<MiningTimes> {
  const miner = createMiner(threads);
  const times: number[] = [];
  try {
    let lastProof = 100;
    for (let i = 0; i < blocks; i++) {
      const started = performance.now();
      lastProof = await miner.proofOfWork(
        { lastProof: String(lastProof), lastHash: '' },
        { difficulty, powRule: 'notebook', maxBlockBytes: 8_388_608 },
      );
      times.push(performance.now() - started);
    }
  } finally {
    await miner.close();
  }
  return { difficulty, blocks, medianMs: median(times), p95Ms: percentile(times, 0.95) };
}
