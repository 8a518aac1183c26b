// POST /nodes/register under issue 11: one peer per address however it is spelt, no address that
// is none (`[:]:1`, port 0), and a client bounded in count (413) and rate (429), with nothing of a
// refused request stored.
import { createTestApp, serve } from '../support/apps.ts';
import { call } from '../support/nodes.ts';
import { loopbackSpellings } from './peer-world.ts';

describe('POST /nodes/register', () => {
  const register = (url: string, nodes: string[]) => call(`${url}/nodes/register`, { json: { nodes } });

  test('800 spellings of one address register one peer', async () => {
    await using server = await serve(createTestApp().app);
    const spellings = loopbackSpellings(800);
    for (let i = 0; i < spellings.length; i += 64) {
      const { status, body } = await register(server.url, spellings.slice(i, i + 64));
      expect({ status, total_nodes: body.total_nodes }).toEqual({ status: 201, total_nodes: ['127.0.0.1:5000'] });
    }
  });

  test.each(['[:]:1', 'http://h:0', 'h:0'])('%s is no peer: 400, and nothing is registered', async (address) => {
    const { app, node } = createTestApp();
    await using server = await serve(app);
    const { status, body } = await register(server.url, ['node2:5000', address]);
    expect(status).toBe(400);
    expect(body.error).toMatch(/^nodes\[1\]: /);
    expect(node.peers).toEqual([]);
  });

  test('more addresses than the node keeps peers is 413, and none is registered', async () => {
    const { app, node } = createTestApp();
    await using server = await serve(app);
    const addresses = Array.from({ length: 65 }, (_, i) => `10.0.0.${i + 1}:5000`);
    const { status, body } = await register(server.url, addresses);
    expect(status).toBe(413);
    expect(body.error).toMatch(/at most 64 nodes/);
    expect(node.peers).toEqual([]);
  });

  test('past the cap or the rate, 429 with the reason, and none of that request is registered', async () => {
    const { app, node } = createTestApp(); // its clock stands still: the allowance never refills
    await using server = await serve(app);
    const first = Array.from({ length: 60 }, (_, i) => `10.0.0.${i + 1}:5000`);
    expect((await register(server.url, first)).status).toBe(201);
    const overCap = await register(server.url, ['10.0.1.1:5000', ...Array.from({ length: 5 }, (_, i) => `10.0.2.${i + 1}:5000`)]);
    expect(overCap).toMatchObject({ status: 429, body: { error: expect.stringMatching(/60 of its 64 peers.*nothing was registered/) } });
    expect(node.peers).toEqual(first);

    for (let i = 0; i < 60; i++) node.forgetPeers([first[i]!]);
    const overRate = await register(
      server.url,
      Array.from({ length: 5 }, (_, i) => `10.0.3.${i + 1}:5000`),
    );
    expect(overRate).toMatchObject({ status: 429, body: { error: expect.stringMatching(/too many new peers: 4 more/) } });
    expect(node.peers).toEqual([]);
    // The four the allowance has left do fit: the reference's 201.
    expect(
      await register(
        server.url,
        Array.from({ length: 4 }, (_, i) => `10.0.3.${i + 1}:5000`),
      ),
    ).toMatchObject({
      status: 201,
      body: { message: 'New nodes have been added', total_nodes: expect.any(Array) },
    });
  });
});
