// A sync that asked a peer for its chain before a lab reset does not adopt that chain after it: in
// a network-wide reset, the nodes reset one after another, and a chain fetched from a peer not yet
// reset would otherwise bring the old history back to every node (see ChainNode's epoch).
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';

test('a chain fetched before a reset is not adopted after it', async () => {
  const ENV = { LAB: 'on', DIFFICULTY: '1', GOSSIP: 'off', SYNC_INTERVAL_MS: '0' };
  await using source = await startTestNode({ ...ENV, NODE_ID: 'source' });
  for (let i = 0; i < 3; i++) expect((await call(`${source.url}/mine`)).status).toBe(200);
  // A peer that passes requests on to `source`, holding its chain until released.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let chainAsked: () => void = () => {};
  const asked = new Promise<void>((resolve) => (chainAsked = resolve));
  await using proxy = await startFakePeer((req, res) => {
    void (async () => {
      if (req.url?.startsWith('/chain?') === true || req.url === '/chain') {
        chainAsked();
        await held;
      }
      const answer = await fetch(`${source.url}${req.url}`);
      res
        .writeHead(answer.status, { 'content-type': 'application/json', 'x-chainlab-node-id': 'source' })
        .end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  await using node = await startTestNode({ ...ENV, NODE_ID: 'resetting' });
  expect(
    (
      await call(`${node.url}/nodes/register`, {
        method: 'POST',
        body: JSON.stringify({ nodes: [proxy.address] }),
        headers: { 'content-type': 'application/json' },
      })
    ).status,
  ).toBe(201);

  const resolving = call(`${node.url}/nodes/resolve`);
  await asked;
  expect(
    (await call(`${node.url}/lab/reset`, { method: 'POST', body: '{"scope": "node"}', headers: { 'content-type': 'application/json' } }))
      .status,
  ).toBe(200);
  release();
  const resolved = await resolving;
  expect(resolved.status).toBe(200);
  expect((await call(`${node.url}/chain`)).body.length).toBe(1);
  // Asked again, after the reset, the node takes the chain: only what was asked before is stale.
  expect((await call(`${node.url}/nodes/resolve`)).body.message).toBe('Our chain was replaced');
});
