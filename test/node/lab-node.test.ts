// The chain's side of the lab on running nodes (issue 13): mining modes, a tampered chain that
// peers refuse, dropped blocks, and lab changes that persist and that the network converges on.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually.ts';
import { call, startTestNode, type JsonResponse } from '../support/nodes.ts';

const LAB = { LAB: 'on', DIFFICULTY: '2' };

describe('mining modes', () => {
  test('MINING=interval:1 mines on its own', async () => {
    await using node = await startTestNode({ ...LAB, MINING: 'interval:1' });
    expect(node.node.mining.view()).toEqual({ mode: 'interval', seconds: 1 });
    await eventually(() => node.node.chain.length >= 3, { timeoutMs: 15_000, what: 'two blocks mined by the interval' });
  });

  test('on-transaction mines a block soon after a transaction, holding it', async () => {
    await using node = await startTestNode(LAB);
    await call(`${node.url}/lab/mining`, { json: { mode: 'on-transaction' } });
    const { body } = await call(`${node.url}/transactions/new`, { json: { sender: 'a', recipient: 'b', amount: 1 } });
    await eventually(() => node.node.chain.length === 2, { what: 'the block for the transaction' });
    expect(node.node.chain[1]!.transactions).toContainEqual(expect.objectContaining({ id: body.id }));
    expect(node.node.pending).toEqual([]);
  });

  test('switching mode cancels a search under way: the /mine waiting on it gets a 409', async () => {
    // Difficulty 16: no proof is found in the life of this test.
    await using node = await startTestNode({ LAB: 'on', DIFFICULTY: '16' });
    let answer: JsonResponse | undefined;
    void call(`${node.url}/mine`).then((response) => (answer = response));
    // The search may not have started when the first switch comes: each switch cancels the one under way.
    await eventually(async () => {
      await call(`${node.url}/lab/mining`, { json: { mode: 'manual' } });
      return answer !== undefined;
    });
    expect(answer).toEqual({
      status: 409,
      body: { error: expect.stringContaining('the mining mode was switched') },
      text: expect.any(String),
    });
    expect(node.node.chain).toHaveLength(1);
  });
});

describe('a tampered chain among peers', () => {
  test('under POW_RULE=linked the peer refuses it even after two more blocks, and /nodes says why', async () => {
    const env = { ...LAB, POW_RULE: 'linked' };
    await using tamperer = await startTestNode({ ...env, NODE_ID: 'tamperer' });
    await using honest = await startTestNode({ ...env, NODE_ID: 'honest', PEERS: tamperer.address });
    await call(`${tamperer.url}/transactions/new`, { json: { sender: 'alice', recipient: 'bob', amount: 5 } });
    await call(`${tamperer.url}/mine`);
    await call(`${tamperer.url}/mine`);
    expect((await call(`${honest.url}/nodes/resolve`)).body.message).toBe('Our chain was replaced');

    const tampered = await call(`${tamperer.url}/lab/tamper`, { json: { index: 2, transaction: 0, amount: 1000, rehash: true } });
    expect(tampered.body.valid).toBe(false);
    await call(`${tamperer.url}/mine`);
    await call(`${tamperer.url}/mine`);
    expect(tamperer.node.chain).toHaveLength(5);
    expect((await call(`${tamperer.url}/chain/verify`)).body.valid).toBe(false);

    const resolved = await call(`${honest.url}/nodes/resolve`);
    expect(resolved.body.message).toBe('Our chain is authoritative');
    expect(resolved.body.chain).toHaveLength(3);
    const [peer] = (await call(`${honest.url}/nodes`)).body.nodes;
    expect(peer.last_error).toMatch(/block 3: proof \d+ is not valid after block 2/);
  });

  test("under the notebook's rule the same attack succeeds: the peer adopts the longer tampered chain", async () => {
    await using tamperer = await startTestNode({ ...LAB, NODE_ID: 'tamperer' });
    await using honest = await startTestNode({ ...LAB, NODE_ID: 'honest', PEERS: tamperer.address });
    await call(`${tamperer.url}/transactions/new`, { json: { sender: 'alice', recipient: 'bob', amount: 5 } });
    await call(`${tamperer.url}/mine`);
    await call(`${tamperer.url}/mine`);
    await call(`${honest.url}/nodes/resolve`);
    await call(`${tamperer.url}/lab/tamper`, { json: { index: 2, transaction: 0, amount: 1000, rehash: true } });
    await call(`${tamperer.url}/mine`);
    expect((await call(`${honest.url}/nodes/resolve`)).body.message).toBe('Our chain was replaced');
    expect(honest.node.chain[1]!.transactions).toContainEqual(expect.objectContaining({ sender: 'alice', amount: 1000 }));
  });
});

test('a reorg keeps the dropped block, whose chain replaced it and the transaction that went back to the pool', async () => {
  await using winner = await startTestNode({ ...LAB, NODE_ID: 'winner' });
  await using loser = await startTestNode({ ...LAB, NODE_ID: 'loser', PEERS: winner.address });
  const { body } = await call(`${loser.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 3 } });
  await call(`${loser.url}/mine`);
  await call(`${winner.url}/mine`);
  await call(`${winner.url}/mine`);
  expect((await call(`${loser.url}/nodes/resolve`)).body.message).toBe('Our chain was replaced');
  const dropped = (await call(`${loser.url}/lab/dropped`)).body.blocks;
  expect(dropped).toEqual([
    expect.objectContaining({ position: 2, replaced_by: winner.address, returned: [expect.objectContaining({ id: body.id })] }),
  ]);
  expect(loser.node.pending.map((transaction) => transaction.id)).toEqual([body.id]);
  // A reset starts the block tree afresh.
  await call(`${loser.url}/lab/reset`, { json: { scope: 'node' } });
  expect((await call(`${loser.url}/lab/dropped`)).body.blocks).toEqual([]);
});

test('reset on both, restore on one: the other converges on the restored chain', async () => {
  // No timed syncs: only announcements move chains, so a reset node cannot sync back before the other is reset too.
  const gossip = { ...LAB, GOSSIP: 'on', SYNC_INTERVAL_MS: '0' };
  await using a = await startTestNode({ ...gossip, NODE_ID: 'a' });
  await using b = await startTestNode({ ...gossip, NODE_ID: 'b', PEERS: a.address });
  await call(`${a.url}/nodes/register`, { json: { nodes: [b.address] } });
  for (let i = 0; i < 3; i++) await call(`${a.url}/mine`);
  await eventually(() => b.node.chain.length === 4, { what: 'b to catch up' });
  const snapshot = await call(`${a.url}/lab/snapshot`);
  await call(`${a.url}/lab/reset`, { json: { scope: 'node' } });
  await call(`${b.url}/lab/reset`, { json: { scope: 'node' } });
  expect([a.node.chain.length, b.node.chain.length]).toEqual([1, 1]);
  await call(`${a.url}/lab/restore`, { body: snapshot.text, headers: { 'content-type': 'application/json' } });
  await eventually(() => (b.node.chain.length === 4 ? expect(b.node.chain).toEqual(a.node.chain) : false), {
    what: 'b to adopt the restored chain',
  });
});

describe('with DATA_DIR', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chainlab-lab-node-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  test('a tampering, a restore and a reset survive a restart', async () => {
    const env = { ...LAB, NODE_ID: 'a', DATA_DIR: dataDir };
    const first = await startTestNode(env);
    await call(`${first.url}/transactions/new`, { json: { sender: 'alice', recipient: 'bob', amount: 5 } });
    await call(`${first.url}/mine`);
    await call(`${first.url}/mine`);
    const snapshot = await call(`${first.url}/lab/snapshot`);
    await call(`${first.url}/lab/tamper`, { json: { index: 2, transaction: 0, amount: 1000 } });
    const tampered = (await call(`${first.url}/chain`)).text;
    await first.close();

    const second = await startTestNode(env);
    expect((await call(`${second.url}/chain`)).text).toBe(tampered);
    expect((await call(`${second.url}/chain/verify`)).body.valid).toBe(false);
    await call(`${second.url}/lab/reset`, { json: { scope: 'node' } });
    await second.close();

    const third = await startTestNode(env);
    expect(third.node.chain).toHaveLength(1);
    await call(`${third.url}/lab/restore`, { body: snapshot.text, headers: { 'content-type': 'application/json' } });
    await third.close();

    await using fourth = await startTestNode(env);
    expect((await call(`${fourth.url}/lab/snapshot`)).text).toBe(snapshot.text);
  });
});
