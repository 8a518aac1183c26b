// chainlab nodes and the original Python node on loopback. First one chainlab node with GOSSIP=off,
// as in the notebook: each adopts the other's longer chain through /nodes/resolve, so each accepts
// the other's hashes and proofs. Then a mixed network of gossiping chainlab nodes around the
// original: they follow its blocks by themselves, and it adopts theirs when asked.
// Run by `npm run test:interop` (jest.interop.config.js), not by `npm test`: the original is not
// ours to ship, and REFERENCE_NODE names its script (see support/reference-node.ts).
import { readConfig } from '../src/config.ts';
import { silentLogger } from '../src/log/log.ts';
import { startNode, type RunningNode } from '../src/server.ts';
import { closable, type Closable } from '../test/support/closable.ts';
import { eventually } from '../test/support/eventually.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { getJson, postJson, type Reply } from './support/http.ts';
import { assignedId, type Block } from './support/notebook.ts';
import { freePort } from './support/ports.ts';
import { referenceNodeCommand, startReferenceNode, type ReferenceNode } from './support/reference-node.ts';

jest.setTimeout(120_000);

// Unset or missing, this fails the suite here, once, with what to set and where to get the original.
const referenceCommand = referenceNodeCommand();

interface ChainBody {
  chain: Block[];
  length: number;
}

describe('a chainlab node with GOSSIP=off and the reference node', () => {
  let reference: ReferenceNode;
  let ours: RunningNode;
  const ourAddress = () => ours.url.replace('http://', '');

  const resources = disposeAfterAll();

  beforeAll(async () => {
    reference = resources.use(await startReferenceNode(referenceCommand));
    ours = resources.use(
      closable(await startNode(readConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ID: 'chainlab-node', GOSSIP: 'off' }), silentLogger)),
    );
  });

  const chainOf = async (url: string) => (await getJson(`${url}/chain`)).body as ChainBody;
  const expectStatus = (reply: Reply, status: number) => {
    expect(reply.status).toBe(status);
    return reply.body as Record<string, unknown>;
  };

  test('they register each other', async () => {
    expectStatus(await postJson(`${ours.url}/nodes/register`, { nodes: [`http://${reference.address}`] }), 201);
    const body = expectStatus(await postJson(`${reference.url}/nodes/register`, { nodes: [`http://${ourAddress()}`] }), 201);
    expect(body.total_nodes).toEqual([ourAddress()]);
  });

  test("ours adopts the reference's longer chain, genesis and all", async () => {
    // A float amount and non-ASCII text exercise the number and string rules of the hash.
    expectStatus(await postJson(`${reference.url}/transactions/new`, { sender: 'Zoë', recipient: '北京', amount: 0.5 }), 201);
    expectStatus(await getJson(`${reference.url}/mine`), 200);
    expectStatus(await getJson(`${reference.url}/mine`), 200);

    const body = expectStatus(await getJson(`${ours.url}/nodes/resolve`), 200);
    expect(body.message).toBe('Our chain was replaced');
    expect(body.skipped).toEqual([]);
    expect(await chainOf(ours.url)).toEqual(await chainOf(reference.url));
  });

  test("the reference adopts ours once ours is longer, built on the reference's blocks", async () => {
    expectStatus(await postJson(`${ours.url}/transactions/new`, { sender: 'a', recipient: 'b', amount: 5 }), 201);
    expectStatus(await getJson(`${ours.url}/mine`), 200);
    expectStatus(await getJson(`${ours.url}/mine`), 200);

    const body = expectStatus(await getJson(`${reference.url}/nodes/resolve`), 200);
    expect(body.message).toBe('Our chain was replaced');
    const referenceChain = await chainOf(reference.url);
    expect(referenceChain).toEqual(await chainOf(ours.url));
    expect(referenceChain.length).toBe(5);
    expect(referenceChain.chain[3]!.transactions).toEqual([
      { sender: 'a', recipient: 'b', amount: 5, id: assignedId() },
      { sender: '0', recipient: 'chainlab-node', amount: 1 },
    ]);
  });

  test('and back again: ours follows the reference as it mines on', async () => {
    expectStatus(await getJson(`${reference.url}/mine`), 200);
    const body = expectStatus(await getJson(`${ours.url}/nodes/resolve`), 200);
    expect(body.message).toBe('Our chain was replaced');
    expect((await chainOf(ours.url)).length).toBe(6);
  });
});

describe('a mixed network: two gossiping chainlab nodes around the reference node', () => {
  let reference: ReferenceNode;
  let a: RunningNode;
  let b: RunningNode;
  const addressOf = (node: RunningNode) => node.url.replace('http://', '');
  /** Generous: the goal is under a second, and the reference is polled for its whole chain. */
  const GOSSIP_TIMEOUT_MS = 10_000;

  /** A port picked before the node starts, since the node advertises it to its peers. */
  async function startGossipingNode(nodeId: string, peers: string[]): Promise<RunningNode & Closable> {
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      ADVERTISE_ADDRESS: `127.0.0.1:${port}`,
      NODE_ID: nodeId,
      PEERS: peers.join(','),
      SYNC_INTERVAL_MS: '500',
      MINING_THREADS: '1',
    };
    return closable(await startNode(readConfig(env), silentLogger));
  }

  const resources = disposeAfterAll();

  beforeAll(async () => {
    reference = resources.use(await startReferenceNode(referenceCommand));
    // a knows only the reference; it learns of b when b introduces itself.
    a = resources.use(await startGossipingNode('chainlab-a', [reference.address]));
    b = resources.use(await startGossipingNode('chainlab-b', [reference.address, addressOf(a)]));
  });

  const chainOf = async (url: string) => (await getJson(`${url}/chain`)).body as ChainBody;
  const expectFollowing = (url: string) =>
    eventually(
      async () => {
        const [followed, ofA, ofB] = await Promise.all([chainOf(url), chainOf(a.url), chainOf(b.url)]);
        expect(ofA).toEqual(followed);
        expect(ofB).toEqual(followed);
      },
      { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: 100 },
    );

  test('the chainlab nodes introduce themselves to the reference, in a form it understands, and to each other', async () => {
    await eventually(
      async () => {
        // Registering nobody answers with the nodes the reference knows; it keeps only an http:// address's netloc.
        const known = await postJson(`${reference.url}/nodes/register`, { nodes: [] });
        expect(known.status).toBe(201);
        expect([...(known.body as { total_nodes: string[] }).total_nodes].sort()).toEqual([addressOf(a), addressOf(b)].sort());
        expect(((await getJson(`${a.url}/health`)).body as { peers: string[] }).peers).toContain(addressOf(b));
      },
      { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: 200 },
    );
  });

  test('blocks mined on the reference reach both chainlab nodes, nobody calling resolve on them', async () => {
    expect((await postJson(`${reference.url}/transactions/new`, { sender: 'Zoë', recipient: '北京', amount: 0.5 })).status).toBe(201);
    expect((await getJson(`${reference.url}/mine`)).status).toBe(200);
    expect((await getJson(`${reference.url}/mine`)).status).toBe(200);
    await expectFollowing(reference.url);
    expect((await chainOf(a.url)).length).toBe(3);
  });

  test("the reference adopts the chainlab nodes' longer chain when its resolve is called", async () => {
    const posted = await postJson(`${a.url}/transactions/new`, { sender: 'a', recipient: 'b', amount: 5 });
    expect(posted).toEqual({ status: 201, body: { message: 'Transaction will be added to Block 4', id: assignedId() } });
    expect((await getJson(`${a.url}/mine`)).status).toBe(200);
    expect((await getJson(`${a.url}/mine`)).status).toBe(200);
    await expectFollowing(a.url);

    const resolved = await getJson(`${reference.url}/nodes/resolve`);
    expect(resolved).toMatchObject({ status: 200, body: { message: 'Our chain was replaced' } });
    const adopted = await chainOf(reference.url);
    expect(adopted).toEqual(await chainOf(a.url));
    expect(adopted.length).toBe(5);
    expect(adopted.chain[3]!.transactions[0]).toEqual({ sender: 'a', recipient: 'b', amount: 5, id: (posted.body as { id: string }).id });
  });

  test('and back again: the reference mines on, and the chainlab nodes follow by themselves', async () => {
    expect((await getJson(`${reference.url}/mine`)).status).toBe(200);
    await expectFollowing(reference.url);
    expect((await chainOf(a.url)).length).toBe(6);
  });
});
