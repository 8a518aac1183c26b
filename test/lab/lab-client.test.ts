// The client decorator: what the lab does to each of the node's own requests.
import { faultyClient } from '../../src/lab/lab-client.ts';
import type { OutboundFault } from '../../src/lab/faults.ts';
import { createPeerClient, NODE_ID_HEADER, type PeerClient, type RequestOptions } from '../../src/peers/peer-client.ts';
import { startFakePeer } from '../support/nodes.ts';

/** A client that records what reached it and answers each request. */
function recording(): { client: PeerClient; sent: { path: string; options?: RequestOptions }[] } {
  const sent: { path: string; options?: RequestOptions }[] = [];
  const answer = async () => ({ ok: true, value: { body: {}, nodeId: 'peer' } }) as const;
  const client: PeerClient = {
    getChain: (_peer, from, options) => (sent.push({ path: `/chain?from=${from}`, options }), answer()),
    getTip: (_peer, options) => (sent.push({ path: '/chain/tip', options }), answer()),
    post: (_peer, path, _body, options) => (sent.push({ path, options }), answer()),
  };
  return { client, sent };
}

const fixed = (fault: OutboundFault) => () => fault;

test('a cut request fails at once as unanswered, naming the lab, and never reaches the peer', async () => {
  const { client, sent } = recording();
  const faulty = faultyClient(client, fixed({ cut: "node3:5000 is outside this node's group" }), { timeoutMs: 1000 });
  for (const reply of [
    await faulty.getTip('node3:5000'),
    await faulty.getChain('node3:5000', 2),
    await faulty.post('node3:5000', '/nodes/register', {}),
  ])
    expect(reply).toEqual({
      ok: false,
      answered: false,
      reason: expect.stringMatching(/^(GET|POST) node3:5000\/\S+: cut by the lab \(node3:5000 is outside/),
    });
  expect(sent).toEqual([]);
});

test('loss drops a request when the random source says so, and only then', async () => {
  const { client, sent } = recording();
  const draws = [0.1, 0.9];
  const faulty = faultyClient(client, fixed({ delayMs: 0, loss: 0.5 }), { timeoutMs: 1000, random: () => draws.shift()! });
  expect(await faulty.getTip('node3:5000')).toEqual({
    ok: false,
    answered: false,
    reason: 'GET node3:5000/chain/tip: dropped by the lab (loss 0.5)',
  });
  expect((await faulty.getTip('node3:5000')).ok).toBe(true);
  expect(sent).toHaveLength(1);
});

test('a delay is spent under the exchange deadline: sent with it, or failed as a timeout when longer', async () => {
  const { client, sent } = recording();
  const faulty = faultyClient(client, fixed({ delayMs: 1, loss: 0 }), { timeoutMs: 1000 });
  expect((await faulty.post('node3:5000', '/gossip/blocks', {})).ok).toBe(true);
  expect(sent[0]!.options?.deadline).toBeDefined();
  const slow = faultyClient(client, fixed({ delayMs: 60_000, loss: 0 }), { timeoutMs: 20 });
  expect(await slow.getTip('node3:5000')).toEqual({
    ok: false,
    answered: false,
    reason: 'GET node3:5000/chain/tip: timeout after 20 ms (the lab delays it 60000 ms)',
  });
  expect(sent).toHaveLength(1);
});

test("the node's client names the node in every request; without an id, requests are a client's", async () => {
  const seen: (string | undefined)[] = [];
  await using peer = await startFakePeer((req, res) => {
    seen.push(req.headers[NODE_ID_HEADER] as string | undefined);
    res.setHeader('content-type', 'application/json');
    res.end('{"length": 1, "hash": "x"}');
  });
  expect((await createPeerClient({ timeoutMs: 1000, nodeId: 'node1' }).getTip(peer.address)).ok).toBe(true);
  expect((await createPeerClient({ timeoutMs: 1000 }).get(peer.address, '/lab/commands/x')).ok).toBe(true);
  expect(seen).toEqual(['node1', undefined]);
});
