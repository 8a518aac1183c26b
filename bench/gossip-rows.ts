// The bench's gossip sections: three nodes converging, and what one block or transaction costs a 24-node mesh.
import { convergenceTimes } from './convergence.ts';
import { meshSpread, type Spread } from './gossip-mesh.ts';
import { row, type Row } from './report.ts';
import { median, percentile } from './stats.ts';
import { SIZES } from './sizes.ts';

/** Three gossiping nodes: how long a block mined on one takes to be on all three. */
export async function gossip(): Promise<Row[]> {
  const blocks = SIZES.gossipBlocks;
  const times = await convergenceTimes(3, blocks);
  const section = 'gossip, 3 nodes';
  const against = { anchor: 'goal 1000 ms', value: 1000, goal: '< 1×' };
  return [
    row(section, `block on all 3 nodes after it was mined, median of ${blocks}`, median(times), 'ms', against),
    row(section, `block on all 3 nodes after it was mined, p95 of ${blocks}`, percentile(times, 0.95), 'ms', against),
    row(section, `block on all 3 nodes after it was mined, max of ${blocks}`, Math.max(...times), 'ms', against),
  ];
}

/** A full mesh of nodes: what one block and one transaction cost to reach them all, against log2(N) + 1 requests per node. */
export async function gossipMesh(): Promise<Row[]> {
  const count = SIZES.meshNodes;
  const { block, transaction } = await meshSpread(count, SIZES.meshSettleMs);
  const section = `gossip, ${count} nodes`;
  const budget = Math.ceil(Math.log2(count) + 1);
  const rows = (what: string, { ms, requests }: Spread) => {
    const total = requests.reduce((a, b) => a + b, 0);
    return [
      row(section, `${what} on all ${count} nodes`, ms, 'ms', { anchor: 'goal 1000 ms', value: 1000, goal: '< 1×' }),
      row(section, `${what}: requests per node, max`, Math.max(...requests), 'requests', {
        anchor: `log2(N) + 1 = ${budget}`,
        value: budget,
        goal: '≤ 1×',
      }),
      row(section, `${what}: requests per node, mean`, total / count, 'requests'),
      row(section, `${what}: requests in all`, total, 'requests'),
    ];
  };
  return [...rows('one block', block), ...rows('one transaction', transaction)];
}
