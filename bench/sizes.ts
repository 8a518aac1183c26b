// How much `npm run bench` measures: full sizes, or tiny ones under BENCH_SMOKE=1 (the test suite's run).
import { availableParallelism } from 'node:os';
import { SETTLE_MS } from './gossip-mesh.ts';

export const SMOKE = process.env.BENCH_SMOKE === '1';
export const SIZES = SMOKE
  ? {
      rateSeconds: 0.5,
      blocks: { 4: 3, 5: 1, 6: 0 },
      loadSeconds: 1,
      chainLengths: [1, 10, 50],
      busySeconds: 1,
      gossipBlocks: 3,
      meshNodes: 4,
      meshSettleMs: 500,
      catchUp: 50,
      behind: [0, 1, 49],
      catchUpRuns: 1,
      adoptionRuns: 1,
      longChain: 200,
    }
  : {
      rateSeconds: 3,
      blocks: { 4: 50, 5: 20, 6: 8 },
      loadSeconds: 5,
      chainLengths: [1, 1000, 10000],
      busySeconds: 5,
      gossipBlocks: 30,
      meshNodes: 24,
      meshSettleMs: SETTLE_MS,
      catchUp: 10000,
      behind: [0, 1, 100, 1000, 9999],
      catchUpRuns: 3,
      adoptionRuns: 5,
      longChain: 100_000,
    };
export const CONNECTIONS = 10;
export const CORES = availableParallelism();
export const TRANSACTION = JSON.stringify({ sender: 'd4ee26eee15148ee92c6cd394edd974e', recipient: 'someone-other-address', amount: 5 });
