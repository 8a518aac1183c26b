// The rows of the 'catching up' and 'memory' sections that bench/adoption.ts measures.
import type { Block } from '../src/chain/block.ts';
import { toJson } from '../src/chain/py-json.ts';
import type { AdoptionRace, LongChain } from './adoption.ts';
import { row, type Row } from './report.ts';

const MB = 1024 * 1024;

/** chainlab and the reference adopting the same chain, fresh nodes, median of `runs` alternating runs. */
export function adoptionRows(blocks: number, runs: number, { chainlab, reference }: AdoptionRace): Row[] {
  const section = `catching up, ${blocks} blocks`;
  return [
    row(section, `chainlab: time to adopt, median of ${runs}`, chainlab.ms, 'ms', { anchor: 'reference', value: reference.ms }),
    row(section, `reference: time to adopt, median of ${runs}`, reference.ms, 'ms'),
    // Speed, not time: the goal reads as "at least 3 times as fast".
    row(section, 'chainlab: speed of adoption', reference.ms / chainlab.ms, '× the reference', {
      anchor: 'goal 3×',
      value: 3,
      goal: '≥ 1×',
    }),
  ];
}

/**
 * Resident memory idle and 1 s after adopting, for chainlab, the reference and a bare Koa app; the
 * budget (Koa's floor plus what the reference spends on the blocks) and what a block costs each
 * side against its JSON.
 */
export function memoryRows(chain: readonly Block[], { chainlab, reference }: AdoptionRace, bareKoaBytes: number): Row[] {
  const section = 'memory';
  const blocks = chain.length;
  const budget = bareKoaBytes + (reference.afterBytes - reference.idleBytes);
  const jsonPerBlock = toJson([...chain]).length / blocks;
  // At BENCH_SMOKE's few blocks the difference is noise, and may come out below 0.
  const perBlock = (side: { idleBytes: number; afterBytes: number }) => Math.max(0, side.afterBytes - side.idleBytes) / blocks;
  return [
    row(section, 'bare Koa app (@koa/router, @koa/bodyparser), after one request', bareKoaBytes / MB, 'MB'),
    row(section, 'chainlab idle', chainlab.idleBytes / MB, 'MB', { anchor: 'bare Koa', value: bareKoaBytes / MB }),
    row(section, `chainlab 1 s after adopting ${blocks} blocks`, chainlab.afterBytes / MB, 'MB', {
      anchor: 'budget',
      value: budget / MB,
      goal: '≤ 1×',
    }),
    row(section, 'reference idle', reference.idleBytes / MB, 'MB'),
    row(section, `reference 1 s after adopting ${blocks} blocks`, reference.afterBytes / MB, 'MB'),
    row(section, 'budget: bare Koa + what the reference spends on the blocks', budget / MB, 'MB'),
    row(section, 'chainlab: bytes per block adopted', perBlock(chainlab), 'B', { anchor: 'its JSON', value: jsonPerBlock }),
    row(section, 'reference: bytes per block adopted', perBlock(reference), 'B', { anchor: 'its JSON', value: jsonPerBlock }),
    row(section, 'a block as JSON', jsonPerBlock, 'B'),
  ];
}

/** chainlab alone on a long chain: adopting it, holding it, starting again from a DATA_DIR that holds it. */
export function longChainRows(blocks: number, long: LongChain): Row[] {
  const section = `catching up, ${blocks} blocks`;
  return [
    row(section, 'chainlab: time to adopt (difficulty 1)', long.adoptMs, 'ms'),
    row(section, 'chainlab: resident memory 1 s after adopting', long.afterBytes / MB, 'MB'),
    row(section, 'chainlab: start-up on a DATA_DIR holding them, spawn to /health', long.startMs, 'ms'),
    row(section, 'chainlab: resident memory 1 s after that start', long.startBytes / MB, 'MB'),
  ];
}
