// Three in-process nodes on loopback with LAB=on: a partition holds across sync rounds and
// introductions, a heal sent to the cut-off node reaches everyone, and nothing it held is lost.
import { eventually } from '../support/eventually.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { mesh } from '../support/mesh.ts';
import { call, startTestNode, type TestNode } from '../support/nodes.ts';

jest.setTimeout(60_000);

const SYNC_INTERVAL_MS = 100;
const env = (id: string) => ({ NODE_ID: id, LAB: 'on', GOSSIP: 'on', SYNC_INTERVAL_MS: String(SYNC_INTERVAL_MS), DIFFICULTY: '2' });

const tip = async (node: TestNode) => (await call(`${node.url}/chain/tip`)).body as { length: number; hash: string };
const chainOf = async (node: TestNode) => (await call(`${node.url}/chain`)).body.chain as { transactions: { id?: string }[] }[];
const pendingOf = async (node: TestNode) => (await call(`${node.url}/transactions/pending`)).body.transactions as { id?: string }[];
const holds = async (node: TestNode, id: string) =>
  (await chainOf(node)).some((block) => block.transactions.some((t) => t.id === id)) || (await pendingOf(node)).some((t) => t.id === id);

/** How many times `node` skipped a peer in a sync: each round with both peers cut adds two. */
async function skips(node: TestNode): Promise<number> {
  const text = (await call(`${node.url}/metrics`)).text;
  return [...text.matchAll(/^chainlab_peer_failures_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** Waits for `node` to go through `rounds` more sync rounds in which both of its peers were skipped. */
async function syncRounds(node: TestNode, rounds: number): Promise<void> {
  const start = await skips(node);
  await eventually(async () => (await skips(node)) >= start + 2 * rounds, { what: `${rounds} sync rounds`, timeoutMs: 10_000 });
}

test('a partition holds across sync rounds and introductions, and a heal sent to the cut-off node reaches everyone', async () => {
  await using node1 = await startTestNode(env('node1'));
  await using node2 = await startTestNode(env('node2'));
  await using node3 = await startTestNode(env('node3'));
  const nodes = [node1, node2, node3];
  await mesh(nodes);

  const split = await call(`${node1.url}/lab/partition`, { json: { groups: [['node1', 'node2'], ['node3']] } });
  expect(split.status).toBe(200);
  expectMatchesContract('POST', '/lab/partition', 200, split.body);
  expect(split.body.relayed.map(({ ok }: { ok: boolean }) => ok)).toEqual([true, true]);
  for (const node of nodes) expect((await call(`${node.url}/lab`)).body.groups).toEqual([['node1', 'node2'], ['node3']]);

  // Each side mines: node1 twice (node2 follows it), node3 once, with a transaction of its own.
  expect((await call(`${node1.url}/mine`)).status).toBe(200);
  expect((await call(`${node1.url}/mine`)).status).toBe(200);
  const sent = await call(`${node3.url}/transactions/new`, { json: { sender: 'a', recipient: 'cut-off', amount: 1, id: 'cut-off-tx' } });
  expect(sent.status).toBe(201);
  expect((await call(`${node3.url}/mine`)).status).toBe(200);
  await eventually(async () => expect((await tip(node2)).length).toBe(3), { what: 'node2 to follow node1' });

  await syncRounds(node3, 3);
  expect(await Promise.all(nodes.map(async (node) => (await tip(node)).length))).toEqual([3, 3, 2]);
  expect((await tip(node3)).hash).not.toBe((await tip(node1)).hash);
  expect((await tip(node2)).hash).toBe((await tip(node1)).hash);
  // node3 does not even ask across the cut: its own requests fail before they are sent.
  const { nodes: seen } = (await call(`${node3.url}/nodes`)).body as { nodes: { node: string; last_error: string | null }[] };
  expect(seen.find(({ node }) => node === node1.address)?.last_error).toMatch(/cut by the lab/);

  // Introductions do not reconnect it: a peer's introduction across the cut is refused, and a
  // client registering node1 under another name of it gets node3 no link either.
  const introduction = await call(`${node1.url}/nodes/register`, {
    json: { nodes: [`http://${node3.address}`] },
    headers: { 'x-chainlab-node-id': 'node3' },
  });
  expect(introduction.status).toBe(503);
  expect(introduction.body.error).toMatch(/the lab cuts this link: node3 is outside this node's group/);
  const alias = node1.address.replace('127.0.0.1', 'localhost');
  expect((await call(`${node3.url}/nodes/register`, { json: { nodes: [alias] } })).status).toBe(201);
  await syncRounds(node3, 2);
  expect(await Promise.all(nodes.map(async (node) => (await tip(node)).length))).toEqual([3, 3, 2]);
  expect(await holds(node1, 'cut-off-tx')).toBe(false);

  // Healed from the cut-off side: every node clears its faults, and node3's transaction comes back.
  const heal = await call(`${node3.url}/lab/heal`, { method: 'POST' });
  expect(heal.status).toBe(200);
  expectMatchesContract('POST', '/lab/heal', 200, heal.body);
  for (const node of nodes)
    expect((await call(`${node.url}/lab`)).body).toEqual({ groups: null, links: [], paused: false, mining: { mode: 'manual' } });
  await eventually(
    async () => {
      const tips = await Promise.all(nodes.map(tip));
      expect(new Set(tips.map(({ hash }) => hash)).size).toBe(1);
      expect(tips[0]!.length).toBe(3);
      for (const node of nodes) expect(await holds(node, 'cut-off-tx')).toBe(true);
    },
    { what: 'the tips to agree, each node holding the cut-off side transaction', timeoutMs: 10_000 },
  );
  expect((await call(`${node1.url}/mine`)).status).toBe(200);
  await eventually(
    async () => {
      for (const node of nodes) expect((await chainOf(node)).at(-1)!.transactions.map((t) => t.id)).toContain('cut-off-tx');
    },
    { what: 'the transaction mined, on every node' },
  );
});

test('a paused node neither sends to nor takes from its peers, and a heal sent to it resumes it', async () => {
  await using node1 = await startTestNode(env('node1'));
  await using node2 = await startTestNode(env('node2'));
  await mesh([node1, node2]);
  expect((await call(`${node2.url}/lab/pause`, { method: 'POST' })).body.paused).toBe(true);
  expect((await call(`${node1.url}/mine`)).status).toBe(200);
  // node1 is not paused, so only node2's side shows it: node2 skips node1 in its syncs.
  const start = await skips(node2);
  await eventually(async () => (await skips(node2)) >= start + 3, { what: 'node2 to skip node1 in 3 syncs', timeoutMs: 10_000 });
  expect((await tip(node2)).length).toBe(1);
  const refused = await call(`${node2.url}/chain/tip`, { headers: { 'x-chainlab-node-id': 'node1' } });
  expect(refused.status).toBe(503);
  expect(refused.body.error).toMatch(/this node is paused/);
  // A client is still served.
  expect((await call(`${node2.url}/chain/tip`)).status).toBe(200);
  expect((await call(`${node1.url}/lab/heal`, { method: 'POST' })).status).toBe(200);
  await eventually(async () => expect((await tip(node2)).length).toBe(2), { what: 'node2 to catch up once resumed' });
});
