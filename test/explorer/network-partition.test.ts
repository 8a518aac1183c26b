// Two in-process nodes on loopback with LAB=on, split: the explorer's GET /network still shows the
// chain of the peer across the cut, which it asks as a client does, but neither it nor the peers
// table calls that peer reachable, however often the page polls between sync rounds.
import { call, startTestNode, type TestNode } from '../support/nodes.ts';

jest.setTimeout(30_000);

// No gossip and no sync timer: the only syncs are this test's GET /nodes/resolve.
const env = (id: string) => ({ NODE_ID: id, LAB: 'on', DIFFICULTY: '2' });

interface PeerRow {
  node: string;
  reachable: boolean | null;
  last_error: string | null;
  node_id: string | null;
}
const rowOf = async (node: TestNode, peer: TestNode) =>
  ((await call(`${node.url}/nodes`)).body.nodes as PeerRow[]).find((row) => row.node === peer.address);
const memberOf = async (node: TestNode, peer: TestNode) =>
  (
    (await call(`${node.url}/network`)).body.nodes as { node: string; reachable: boolean | null; error: string | null; length: number }[]
  ).find((member) => member.node === peer.address);

test('GET /network does not record a peer the lab cuts this node off from as reachable, and shows it cut', async () => {
  await using node1 = await startTestNode(env('node1'));
  await using node2 = await startTestNode(env('node2'));
  expect((await call(`${node1.url}/nodes/register`, { json: { nodes: [node2.address] } })).status).toBe(201);
  expect((await call(`${node2.url}/nodes/register`, { json: { nodes: [node1.address] } })).status).toBe(201);
  // A sync each way, so that each node knows the other's id, which the partition names.
  for (const node of [node1, node2]) expect((await call(`${node.url}/nodes/resolve`)).status).toBe(200);
  expect(await rowOf(node1, node2)).toMatchObject({ reachable: true, last_error: null, node_id: 'node2' });

  // Split before the first page poll, then mine across the cut: the page must show node2's block.
  expect((await call(`${node1.url}/lab/partition`, { json: { groups: [['node1'], ['node2']] } })).status).toBe(200);
  expect((await call(`${node2.url}/mine`)).status).toBe(200);

  // Before any sync ran into the cut, the page already shows it: the lab's reason, not a healthy peer.
  expect(await memberOf(node1, node2)).toMatchObject({ reachable: false, error: expect.stringMatching(/cut by the lab/), length: 2 });
  expect((await rowOf(node1, node2))?.reachable).not.toBe(false); // the table is as the last sync left it

  // A sync records the cut; page polls after it must leave it so, not mark node2 reachable again.
  expect((await call(`${node1.url}/nodes/resolve`)).status).toBe(200);
  const recorded = await rowOf(node1, node2);
  expect(recorded).toMatchObject({ reachable: false, last_error: expect.stringMatching(/cut by the lab/) });
  for (let poll = 0; poll < 2; poll++) {
    expect(await memberOf(node1, node2)).toMatchObject({ reachable: false, error: recorded!.last_error, length: 2 });
    expect(await rowOf(node1, node2)).toEqual(recorded);
  }

  // Healed, the page records node2's answer again.
  expect((await call(`${node1.url}/lab/heal`, { method: 'POST' })).status).toBe(200);
  expect(await memberOf(node1, node2)).toMatchObject({ reachable: true, error: null, length: 2 });
  expect(await rowOf(node1, node2)).toMatchObject({ reachable: true, last_error: null });
});
