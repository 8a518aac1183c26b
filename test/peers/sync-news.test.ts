// A sync round hears from a peer twice (its tip, then its chain): what it logs as news is judged
// against the round before, so a peer failing the same way every round is warned about once.
import type { Block } from '../../src/chain/block.ts';
import { capturingLogger } from '../support/apps.ts';
import { buildChain } from '../support/chains.ts';
import { peerWorld } from './peer-world.ts';

const PEER = 'liar:5000';

/** A longer chain than the victim's genesis whose tip is fine but whose third block does not link to the second. */
function brokenChain(): Block[] {
  const chain = buildChain(3);
  return [chain[0]!, chain[1]!, { ...chain[2]!, previous_hash: 'f'.repeat(64) }];
}

describe('what a sync logs of a peer that keeps failing the same way', () => {
  test('a peer whose tip answers but whose chain is invalid on every round is warned about once', async () => {
    const { log, lines } = capturingLogger('debug');
    const { node, standIns, clock } = peerWorld({ log });
    node.registerPeers([PEER], 'config');
    standIns.set(PEER, { nodeId: 'liar', chain: brokenChain() });
    const skippedReasons: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      clock.now += 600; // past the longest wait after an invalid answer (see sync-penalty.test.ts)
      const { replaced, skipped } = await node.sync();
      expect(replaced).toBe(false);
      skippedReasons.push(...skipped.map(({ reason }) => reason));
    }
    // Every round met the same bad chain: the test is about the log, not about the verdict.
    expect(skippedReasons).toEqual(Array(3).fill(expect.stringMatching(/^invalid chain: block 3: previous_hash/)));
    const warnings = lines.filter((line) => line.peer === PEER && line.level === 40).map((line) => String(line.msg));
    expect(warnings).toEqual([`peer ${PEER} skipped: ${skippedReasons[0]}`]);
  });
});
