// What a node owes on of what a peer told it: only news, over the range the message's `limit`
// gives; a message without one (an older chainlab peer) asks for no relay; a limit is bounded.
import type { Transaction } from '../../src/chain/block.ts';
import { toJson } from '../../src/chain/py-json.ts';
import type { Relay } from '../../src/node/node-events.ts';
import { MAX_KEY_CHARS } from '../../src/peers/broadcast-tree.ts';
import { createTestApp, serve } from '../support/apps.ts';
import { buildChain } from '../support/chains.ts';
import { call } from '../support/nodes.ts';
import { peerWorld } from './peer-world.ts';

const transaction = (id: string): Transaction => ({ sender: 'a', recipient: 'b', amount: 1, id });

describe('the news a node owes on', () => {
  test('a block appended is owed over the limit of its announcement; one known already, to nobody; one without a limit, to nobody', async () => {
    const { node } = peerWorld();
    const relays: Relay[] = [];
    node.events.on('appended', ({ relay }) => relays.push(relay));
    const chain = buildChain(3);
    expect(await node.receiveBlock(chain[1]!, 2, 'x')).toEqual({ status: 'appended' });
    expect(await node.receiveBlock(chain[1]!, 2, 'victim')).toEqual({ status: 'known' });
    expect(await node.receiveBlock(chain[2]!, 3)).toEqual({ status: 'appended' });
    expect(relays).toEqual([{ limit: 'x' }, 'none']);
  });

  test("transactions a peer passed on are owed over its batch's limit, or to nobody without one; a client's, as origin", async () => {
    const { node } = peerWorld();
    const relays: (Relay | undefined)[] = [];
    node.events.on('transaction', ({ relay }) => relays.push(relay));
    await node.receiveTransactions([transaction('t1'), transaction('t2')], 'x');
    await node.receiveTransactions([transaction('t1'), transaction('t3')], 'y'); // t1 is no news
    await node.receiveTransactions([transaction('t4')]);
    await node.addTransaction({ sender: 'a', recipient: 'b', amount: 2 });
    expect(relays).toEqual([{ limit: 'x' }, { limit: 'x' }, { limit: 'y' }, 'none', undefined]);
  });
});

describe('the limit of a gossip message', () => {
  test.each([
    ['/gossip/blocks', (limit: unknown) => ({ ...JSON.parse(toJson({ block: buildChain(2)[1]!, length: 2 })), limit })],
    ['/gossip/transactions', (limit: unknown) => ({ transactions: [transaction('t1')], limit })],
  ])('%s takes a string of up to MAX_KEY_CHARS characters, and refuses anything else with a 400', async (path, body) => {
    const { app, node } = createTestApp();
    const relays: Relay[] = [];
    node.events.on('appended', ({ relay }) => relays.push(relay));
    node.events.on('transaction', ({ relay }) => relays.push(relay ?? 'origin'));
    await using server = await serve(app);
    for (const limit of [7, null, ['x'], 'x'.repeat(MAX_KEY_CHARS + 1)]) {
      const refused = await call(`${server.url}${path}`, { json: body(limit) });
      expect({ status: refused.status, error: refused.body.error }).toEqual({
        status: 400,
        error: `limit must be a string of at most ${MAX_KEY_CHARS} characters`,
      });
    }
    expect((await call(`${server.url}${path}`, { json: body('x'.repeat(MAX_KEY_CHARS)) })).status).toBe(200);
    expect(relays).toEqual([{ limit: 'x'.repeat(MAX_KEY_CHARS) }]);
  });
});
