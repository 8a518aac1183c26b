// One chainlab node and one reference Python node (seed_node.py) on loopback: each adopts the
// other's longer chain through /nodes/resolve, so each accepts the other's hashes and proofs.
import { readConfig } from '../src/config.ts';
import { silentLogger } from '../src/node/log.ts';
import { startNode, type RunningNode } from '../src/node/server.ts';
import { getJson, postJson, type Reply } from './support/http.ts';
import type { Block } from './support/notebook.ts';
import { startReferenceNode, type ReferenceNode } from './support/reference-node.ts';

jest.setTimeout(120_000);

interface ChainBody {
  chain: Block[];
  length: number;
}

describe('a chainlab node and the reference node', () => {
  let reference: ReferenceNode;
  let ours: RunningNode;
  const ourAddress = () => ours.url.replace('http://', '');

  beforeAll(async () => {
    reference = await startReferenceNode();
    ours = await startNode(readConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ID: 'chainlab-node' }), silentLogger);
  });
  afterAll(async () => {
    await ours?.close();
    await reference?.stop();
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
      { sender: 'a', recipient: 'b', amount: 5 },
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
