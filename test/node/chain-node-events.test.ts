import type { NodeEvents } from '../../src/node/node-events.ts';
import { call, startTestNode } from '../support/nodes.ts';

describe('ChainNode events', () => {
  test('announce transactions, mined blocks, adopted chains and peers as they happen', async () => {
    const [a, b] = [await startTestNode({ NODE_ID: 'a' }), await startTestNode({ NODE_ID: 'b' })];
    try {
      const seen: { name: keyof NodeEvents; detail: unknown }[] = [];
      for (const name of ['transaction', 'mined', 'replaced', 'peers', 'peerFailure'] as const) {
        b.node.events.on(name, (detail: unknown) => seen.push({ name, detail }));
      }
      await call(`${b.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 1 } });
      await call(`${b.url}/mine`);
      await call(`${a.url}/mine`);
      await call(`${a.url}/mine`);
      await call(`${a.url}/mine`);
      await call(`${b.url}/nodes/register`, { json: { nodes: [a.address, '127.0.0.1:1'] } });
      await call(`${b.url}/nodes/resolve`);

      expect(seen.map((event) => event.name)).toEqual(['transaction', 'mined', 'peers', 'peerFailure', 'replaced', 'peers']);
      expect(seen[1]!.detail).toEqual({ block: expect.objectContaining({ index: 2 }), miningMs: expect.any(Number) });
      // A peer that never answered validly is shown with no more detail than that (no port-scan oracle).
      expect(seen[3]!.detail).toEqual({ node: '127.0.0.1:1', reason: 'GET 127.0.0.1:1/chain/tip: no valid answer yet' });
      // b's own block 2 was dropped for a's chain: its transaction went back to the pool.
      expect(seen[4]!.detail).toEqual({
        chain: expect.any(Array),
        peer: a.address,
        from: 2,
        dropped: [expect.objectContaining({ index: 2 })],
        returned: [{ sender: 'x', recipient: 'y', amount: 1, id: expect.any(String) }],
      });
      expect(b.node.pending).toEqual([{ sender: 'x', recipient: 'y', amount: 1, id: expect.any(String) }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('when the node closes, every part that subscribed lets go of it: gossip, the metrics', async () => {
    const node = await startTestNode({ GOSSIP: 'on' });
    const names: readonly (keyof NodeEvents)[] = ['mined', 'appended', 'replaced', 'transaction', 'peers', 'peerFailure', 'closed'];
    const listeners = () => names.map((name) => node.node.events.listenerCount(name));
    // gossip's and the metrics'; the memory release's (replaced); the mining schedule's (transaction, closed); the dropped blocks' (replaced, closed)
    expect(listeners()).toEqual([2, 2, 4, 2, 1, 1, 3]);
    await node.close();
    expect(listeners()).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
