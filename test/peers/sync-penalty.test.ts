// A peer whose answer was invalid may have cost the node seconds of parsing (a body near the size
// limit): syncs skip it for a while, longer each time, instead of fetching it again every round.
import type { Block } from '../../src/chain/block.ts';
import { buildChain } from '../support/chains.ts';
import { peerWorld, type PeerWorld } from './peer-world.ts';

const LIAR = 'liar:5000';
const HONEST = 'honest:5000';

/** A longer chain than the victim's genesis whose third block does not link to the second. */
function brokenChain(): Block[] {
  const chain = buildChain(3);
  return [chain[0]!, chain[1]!, { ...chain[2]!, previous_hash: 'f'.repeat(64) }];
}

/** How many requests each of `seconds` rounds, that far apart in the node's clock, made to `peer`. */
async function requestsPerRound({ node, asked, clock }: PeerWorld, peer: string, seconds: number[]): Promise<number[]> {
  const counts: number[] = [];
  for (const step of seconds) {
    clock.now += step;
    const before = asked.filter((address) => address === peer).length;
    await node.sync();
    counts.push(asked.filter((address) => address === peer).length - before);
  }
  return counts;
}

describe('a peer that answered invalidly is skipped by syncs for a while', () => {
  test('it is asked once, skipped while its penalty lasts, asked again after it, then skipped for longer', async () => {
    const world = peerWorld();
    world.node.registerPeers([LIAR], 'config');
    world.standIns.set(LIAR, { nodeId: 'liar', chain: brokenChain() });
    // The first wait is 2 s to 2.4 s, the second 4 s to 4.8 s: rounds every 0.5 s fall inside them.
    const counts = await requestsPerRound(world, LIAR, [0, 0.5, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.5]);
    // Each time it is asked: its tip, then the blocks it claims to have.
    expect(counts).toEqual([2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  test('a skipped round says why, briefly', async () => {
    const world = peerWorld();
    world.node.registerPeers([LIAR], 'config');
    // Once valid (as long as the victim), so that clients are shown its reasons (PeerSet.shownReason).
    world.standIns.set(LIAR, { nodeId: 'liar', chain: buildChain(1) });
    await world.node.sync();
    world.standIns.set(LIAR, { nodeId: 'liar', chain: brokenChain() });
    world.clock.now += 0.5;
    await world.node.sync();
    world.clock.now += 0.5;
    const { replaced, skipped } = await world.node.sync();
    expect(replaced).toBe(false);
    expect(skipped).toEqual([
      { node: LIAR, reason: expect.stringMatching(/^liar:5000: skipped for another 2 s after an invalid answer: invalid chain: block 3/) },
    ]);
    expect(skipped[0]!.reason.length).toBeLessThan(300);
  });

  test('a valid answer ends the penalty: the peer is asked every round again, and starts from the first wait', async () => {
    const world = peerWorld();
    world.node.registerPeers([LIAR], 'config');
    world.standIns.set(LIAR, { nodeId: 'liar', chain: brokenChain() });
    // Two invalid answers: the second wait (4 s or more) is under way.
    expect(await requestsPerRound(world, LIAR, [0, 3])).toEqual([2, 2]);
    world.standIns.set(LIAR, { nodeId: 'liar', chain: buildChain(3) });
    expect(await requestsPerRound(world, LIAR, [5])).toEqual([2]);
    expect(world.node.chain).toHaveLength(3);
    // Its tip answers validly every round now.
    expect(await requestsPerRound(world, LIAR, [0.5, 0.5, 0.5])).toEqual([1, 1, 1]);
    world.standIns.set(LIAR, { nodeId: 'liar', chain: longerBrokenChain() });
    // Invalid again (its tip, its fourth block, which does not link, then the third and fourth): the
    // wait is the first one (about 2 s), not the third (8 s or more).
    expect(await requestsPerRound(world, LIAR, [0.5, 1, 2.5])).toEqual([3, 0, 3]);
  });

  test('a timeout or an unreachable peer is not penalised: it is tried every round', async () => {
    const world = peerWorld();
    world.node.registerPeers([HONEST], 'config'); // not in the table: it does not answer
    expect(await requestsPerRound(world, HONEST, [0, 0.5, 0.5, 0.5])).toEqual([1, 1, 1, 1]);
  });

  test('another peer is asked every round while one is penalised, and its longer chain is adopted', async () => {
    const world = peerWorld();
    world.node.registerPeers([LIAR, HONEST], 'config');
    world.standIns.set(LIAR, { nodeId: 'liar', chain: brokenChain() });
    world.standIns.set(HONEST, { nodeId: 'honest', chain: buildChain(2) });
    await world.node.sync();
    world.clock.now += 0.5;
    world.standIns.set(HONEST, { nodeId: 'honest', chain: buildChain(3) });
    const before = world.asked.length;
    const { replaced } = await world.node.sync();
    expect(replaced).toBe(true);
    expect(world.asked.slice(before).every((peer) => peer === HONEST)).toBe(true);
  });
});

/** A chain one block longer than buildChain(3), whose fourth block does not link to the third. */
function longerBrokenChain(): Block[] {
  const chain = buildChain(4);
  return [...chain.slice(0, 3), { ...chain[3]!, previous_hash: 'f'.repeat(64) }];
}
