// Every /lab route's good and bad input on a real node: a 400 with a reason changes nothing, and
// with LAB=off every /lab path is a 404.
import { expectMatchesContract, expectRequestMatchesContract } from '../support/contract.ts';
import { call, startFakePeer, startTestNode, type TestNode } from '../support/nodes.ts';

const NO_FAULTS = { groups: null, links: [], paused: false, mining: { mode: 'manual' } };
/** A node with one registered peer nobody answers at: relays to it fail, and that is all. */
const startLabNode = (env: Record<string, string> = {}) => startTestNode({ NODE_ID: 'node-a', LAB: 'on', PEERS: '127.0.0.1:1', ...env });

async function conforming(node: TestNode, method: string, path: string, json: unknown, status: number) {
  const answer = await call(`${node.url}${path}`, { method, ...(json === undefined ? {} : { json }) });
  expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status, body: answer.body });
  expectMatchesContract(method, path, answer.status, answer.body);
  return answer;
}
const faults = async (node: TestNode) => (await conforming(node, 'GET', '/lab', undefined, 200)).body;

test('GET /lab shows no faults on a fresh node', async () => {
  await using node = await startLabNode();
  expect(await faults(node)).toEqual(NO_FAULTS);
});

test('a partition is applied, echoed as given, and relayed (a peer that is down is named with why)', async () => {
  await using node = await startLabNode();
  const groups = [['node-a'], ['127.0.0.1:1']];
  expectRequestMatchesContract('POST', '/lab/partition', { groups });
  const { body } = await conforming(node, 'POST', '/lab/partition', { groups }, 200);
  expect(body.lab).toEqual({ ...NO_FAULTS, groups });
  expect(body.relayed).toEqual([{ node: '127.0.0.1:1', ok: false, reason: expect.stringContaining('POST 127.0.0.1:1/lab/relay') }]);
  expect(await faults(node)).toEqual({ ...NO_FAULTS, groups });
  expect((await conforming(node, 'POST', '/lab/heal', undefined, 200)).body.lab).toEqual(NO_FAULTS);
});

test('names with spaces around them are taken, stored and echoed trimmed', async () => {
  await using node = await startLabNode();
  const { body } = await conforming(node, 'POST', '/lab/partition', { groups: [[' node-a'], ['127.0.0.1:1 ']] }, 200);
  expect(body.lab.groups).toEqual([['node-a'], ['127.0.0.1:1']]);
  expect((await faults(node)).groups).toEqual([['node-a'], ['127.0.0.1:1']]);
});

test.each([
  ['no groups', {}, 'groups must be a non-empty list of lists'],
  ['an unknown node', { groups: [['node-a'], ['node9']] }, "groups[1]: 'node9' names neither this node nor any of its peers"],
  ['this node in two groups, by id and by bare host', { groups: [['node-a'], ['127.0.0.1']] }, 'is in groups 0 and 1'],
  ['a name too long', { groups: [['x'.repeat(257)]] }, 'longer than 256 characters'],
])('a partition with %s is a 400 with a reason, and nothing changes', async (_name, json, reason) => {
  await using node = await startLabNode();
  const { body } = await conforming(node, 'POST', '/lab/partition', json, 400);
  expect(body.error).toContain(reason);
  expect(body.error).toContain('nothing was changed');
  expect(await faults(node)).toEqual(NO_FAULTS);
});

test('links: set, shown, removed with 0 and 0; bad ones are a 400 and change nothing', async () => {
  await using node = await startLabNode();
  const link = { peer: '127.0.0.1:1', delay_ms: 300, loss: 0.2 };
  expectRequestMatchesContract('POST', '/lab/links', link);
  expect((await conforming(node, 'POST', '/lab/links', link, 200)).body.links).toEqual([link]);
  for (const [json, reason] of [
    [{ peer: 'node9', delay_ms: 1 }, "peer 'node9' names none of this node's peers"],
    [{ peer: 'node-a', delay_ms: 1 }, 'is this node'],
    [{ peer: '127.0.0.1:1', delay_ms: 60_001 }, 'delay_ms must be'],
    [{ peer: '127.0.0.1:1', loss: 2 }, 'loss must be'],
    [{ delay_ms: 1 }, 'expected {"peer"'],
  ] as const) {
    expect((await conforming(node, 'POST', '/lab/links', json, 400)).body.error).toContain(reason);
    expect((await faults(node)).links).toEqual([link]);
  }
  expect((await conforming(node, 'POST', '/lab/links', { peer: '127.0.0.1:1', delay_ms: 0, loss: 0 }, 200)).body.links).toEqual([]);
});

test('pause and resume', async () => {
  await using node = await startLabNode();
  expect((await conforming(node, 'POST', '/lab/pause', undefined, 200)).body.paused).toBe(true);
  expect((await faults(node)).paused).toBe(true);
  expect((await conforming(node, 'POST', '/lab/resume', undefined, 200)).body).toEqual(NO_FAULTS);
});

test('a command is served by id to whoever confirms a relay; an unknown one is a 404', async () => {
  await using node = await startLabNode();
  await conforming(node, 'POST', '/lab/pause', undefined, 200);
  expect((await conforming(node, 'GET', '/lab/commands/nosuch', undefined, 404)).body.error).toContain('no lab command nosuch');
});

describe('relayed commands', () => {
  test('from an address that is not a registered peer: refused, nothing asked, nothing changed', async () => {
    let asked = 0;
    await using stranger = await startFakePeer((_req, res) => (asked++, res.end()));
    await using node = await startLabNode();
    const { body } = await conforming(node, 'POST', '/lab/relay', { id: 'c1', from: stranger.address }, 403);
    expect(body.error).toContain(`${stranger.address} is not a registered peer of this node`);
    expect(asked).toBe(0);
    expect(await faults(node)).toEqual(NO_FAULTS);
  });

  test('from a registered peer: carried out only as the peer serves it at its own address, and once', async () => {
    const served: Record<string, unknown> = {
      c1: { id: 'c1', type: 'partition', groups: [['node-a']] },
      c3: { id: 'other', type: 'heal' },
    };
    await using peer = await startFakePeer((req, res) => {
      const id = /^\/lab\/commands\/(\w+)$/.exec(req.url ?? '')?.[1] ?? '';
      res.statusCode = id in served ? 200 : 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(served[id] ?? { error: 'no' }));
    });
    await using node = await startLabNode({ PEERS: peer.address });
    // Not served by the peer (a client naming a peer's address it does not control), or another command.
    for (const [id, reason] of [
      ['c2', 'could not confirm command c2'],
      ['c3', 'served another command than c3'],
    ]) {
      const { body } = await conforming(node, 'POST', '/lab/relay', { id, from: `http://${peer.address}` }, 403);
      expect(body.error).toContain(reason);
      expect(await faults(node)).toEqual(NO_FAULTS);
    }
    expect((await conforming(node, 'POST', '/lab/relay', { id: 'c1', from: peer.address }, 200)).body).toEqual({ status: 'applied' });
    expect((await faults(node)).groups).toEqual([['node-a']]);
    expect((await conforming(node, 'POST', '/lab/relay', { id: 'c1', from: peer.address }, 200)).body).toEqual({ status: 'known' });
    // This node serves what it took, so its own peers can confirm it in turn.
    expect((await conforming(node, 'GET', '/lab/commands/c1', undefined, 200)).body).toEqual(served.c1);
  });

  test.each([
    [{}, 'id is 1 to 64'],
    [{ id: 'c 1', from: 'a:1' }, 'id is 1 to 64'],
    [{ id: 'c1' }, "from is the sender's address"],
    [{ id: 'c1', from: 'no address' }, 'from: expected http://host:port'],
  ])('a relay %j is a 400: %s', async (json, reason) => {
    await using node = await startLabNode();
    expect((await conforming(node, 'POST', '/lab/relay', json, 400)).body.error).toContain(reason);
  });
});

test('with LAB=off, every /lab path is a 404, and a peer naming itself is served as any client', async () => {
  await using node = await startTestNode({ NODE_ID: 'node-b' });
  for (const [method, path] of [
    ['GET', '/lab'],
    ['POST', '/lab/partition'],
    ['POST', '/lab/heal'],
    ['POST', '/lab/links'],
    ['POST', '/lab/pause'],
    ['POST', '/lab/resume'],
    ['GET', '/lab/commands/c1'],
    ['POST', '/lab/relay'],
  ] as const)
    expect({ path, status: (await call(`${node.url}${path}`, { method })).status }).toEqual({ path, status: 404 });
  expect((await call(`${node.url}/chain/tip`, { headers: { 'x-chainlab-node-id': 'node-x' } })).status).toBe(200);
});
