// The explorer's network view asks each peer for the top of its chain on every page poll, but does
// not validate what it gets: a sync's verdict on a peer stands until the next sync.
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import type { Block } from '../../src/chain/block.ts';
import type { JsonValue } from '../../src/chain/py-json.ts';
import { networkView } from '../../src/explorer/network-view.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import { buildChain } from '../support/chains.ts';
import { peerWorld } from '../peers/peer-world.ts';

const PEER = 'liar:5000';

/** Longer than the node's genesis, with a third block that does not link to the second. */
function brokenChain(): Block[] {
  const chain = buildChain(3);
  return [chain[0]!, chain[1]!, { ...chain[2]!, previous_hash: 'f'.repeat(64) }];
}

describe('the network view and a sync verdict', () => {
  test('a page poll that reaches a peer keeps the last_error of the chain a sync rejected', async () => {
    const { node, peers, standIns } = peerWorld();
    const chain = brokenChain();
    node.registerPeers([PEER], 'config');
    standIns.set(PEER, { nodeId: 'liar', chain });
    const { skipped } = await node.sync();
    const verdict = peers.status(PEER)?.lastError;
    expect(verdict).toMatch(/^invalid chain: block 3: previous_hash/);
    expect(skipped).toEqual([{ node: PEER, reason: verdict }]);

    // The page's poll: the peer gives its tip and the blocks of the window, and nothing else happens.
    const tip: PeerReply = { ok: true, value: { body: { length: chain.length, hash: cachedHash(chain[2]!) }, nodeId: 'liar' } };
    const blocks = (from = 1): PeerReply => ({
      ok: true,
      value: { body: { chain: chain.slice(from - 1) as JsonValue[], length: chain.length, from }, nodeId: 'liar' },
    });
    const unused = async (): Promise<PeerReply> => ({ ok: false, answered: false, reason: 'not asked in this test' });
    const peerClient: PeerClient = { getChain: async (_peer, from) => blocks(from), getTip: async () => tip, post: unused };
    const [, member] = await networkView(node, peerClient);

    expect(member).toMatchObject({ node: PEER, node_id: 'liar', reachable: true, length: 3, error: verdict });
    expect(node.peerStatuses()).toEqual([expect.objectContaining({ node: PEER, reachable: true, lastError: verdict })]);
  });
});
