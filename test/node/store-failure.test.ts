// A change is applied only once it is durable, and a node whose store fails takes no more changes:
// nothing it could not store is applied, announced or acknowledged.
import type { ChainChange } from '../../src/chain/blockchain.ts';
import type { ChainStore } from '../../src/store/chain-store.ts';
import { createTestApp, searchingMiner, serve } from '../support/apps.ts';
import { brokenDisk } from '../support/stores.ts';
import { eventually } from '../support/eventually.ts';
import { call } from '../support/nodes.ts';

const STORE_FAILED = /^the store failed, so this node takes no more changes: EIO: i\/o error, write/;

/** A store whose writes each wait until the test says they are durable, or failed. */
function heldDisk() {
  const writes: { change: ChainChange; durable: () => void; fail: (error: Error) => void }[] = [];
  const store: ChainStore = {
    load: async () => [],
    record: (change) =>
      new Promise<void>((durable, fail) => {
        writes.push({ change, durable, fail });
      }),
    rewrite: async () => {},
    close: async () => {},
  };
  return { store, writes };
}

const tx = { sender: 'a', recipient: 'b', amount: 1, id: 'tx-1' };

test('when a write fails, the request gets a 503 and /health answers 503 with the reason', async () => {
  const { app } = createTestApp({ store: brokenDisk() });
  await using server = await serve(app);
  expect((await call(`${server.url}/health`)).status).toBe(200);
  const posted = await call(`${server.url}/transactions/new`, { json: { sender: 'a', recipient: 'b', amount: 1 } });
  expect(posted.status).toBe(503);
  expect(posted.body.error).toMatch(STORE_FAILED);
  const health = await call(`${server.url}/health`);
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ status: 'failing', error: 'the store failed: EIO: i/o error, write', length: 1 });
});

test('a transaction whose write failed is not pooled, and the same POST again is refused, not "already known"', async () => {
  const { app, node } = createTestApp({ store: brokenDisk() });
  await using server = await serve(app);
  const announced: unknown[] = [];
  node.events.on('transaction', (event) => announced.push(event));
  expect((await call(`${server.url}/transactions/new`, { json: tx })).status).toBe(503);
  expect(node.pending).toEqual([]);
  const again = await call(`${server.url}/transactions/new`, { json: tx });
  expect(again.status).toBe(503);
  expect(again.body.error).toMatch(STORE_FAILED);
  const gossiped = await call(`${server.url}/gossip/transactions`, { json: { transactions: [{ ...tx, id: 'tx-2' }] } });
  expect(gossiped.status).toBe(503);
  expect(node.pending).toEqual([]);
  expect(announced).toEqual([]);
});

test('a block that could not be stored is not appended or announced, and /mine is refused from then on', async () => {
  const { app, node } = createTestApp({ store: brokenDisk(), miner: searchingMiner });
  await using server = await serve(app);
  const mined: unknown[] = [];
  node.events.on('mined', (event) => mined.push(event));
  const first = await call(`${server.url}/mine`);
  expect(first.status).toBe(503);
  expect(first.body.error).toMatch(STORE_FAILED);
  const second = await call(`${server.url}/mine`);
  expect(second.status).toBe(503);
  expect(second.body.error).toMatch(STORE_FAILED);
  expect(node.chain).toHaveLength(1);
  expect(mined).toEqual([]);
  expect((await call(`${server.url}/chain`)).body.length).toBe(1);
  expect((await call(`${server.url}/nodes/resolve`)).status).toBe(503);
});

test('a transaction is pooled and announced only once its write is durable; a copy meanwhile is known then', async () => {
  const { store, writes } = heldDisk();
  const { app, node } = createTestApp({ store });
  await using server = await serve(app);
  const announced: unknown[] = [];
  node.events.on('transaction', (event) => announced.push(event));
  const first = call(`${server.url}/transactions/new`, { json: tx });
  await eventually(() => writes.length === 1, { what: 'the first write' });
  const copy = node.addTransaction(tx);
  const conflict = node.receiveTransactions([{ ...tx, amount: 2 }]);
  // Not in the pool, not in GET /transactions/pending, not announced: the disk does not have it yet.
  expect((await call(`${server.url}/transactions/pending`)).body.length).toBe(0);
  expect(announced).toEqual([]);
  writes[0]!.durable();
  expect((await first).status).toBe(201);
  expect(await copy).toEqual({ status: 'known', transaction: tx });
  expect(await conflict).toEqual({ status: 'pooled', added: 0, known: 0, conflicting: 1 });
  expect(writes).toHaveLength(1); // neither the copy nor the conflict was written
  expect(node.pending).toEqual([tx]);
  expect(announced).toEqual([{ transaction: tx }]);
});

test('a copy that arrived while the first write was in flight fails with it', async () => {
  const { store, writes } = heldDisk();
  const { node } = createTestApp({ store });
  const first = node.addTransaction(tx);
  const copy = node.receiveTransactions([tx]);
  expect(writes).toHaveLength(1);
  writes[0]!.fail(new Error('EIO: i/o error, write'));
  await expect(first).rejects.toMatchObject({ status: 503, expose: true, message: expect.stringMatching(STORE_FAILED) });
  await expect(copy).rejects.toMatchObject({ status: 503 });
  expect(node.pending).toEqual([]);
  expect(writes).toHaveLength(1);
});

test('a block is checked only once the writes before it are applied: one announced twice is appended once', async () => {
  const { store, writes } = heldDisk();
  const { node } = createTestApp({ store, miner: searchingMiner });
  const mining = node.mine();
  await eventually(() => writes.length === 1, { what: 'the block to be written' });
  const block = (writes[0]!.change as Extract<ChainChange, { type: 'block' }>).block;
  const announcements = [node.receiveBlock(block, 2), node.receiveBlock(block, 2)];
  expect(node.chain).toHaveLength(1); // not applied before it is durable
  writes[0]!.durable();
  expect(await mining).toBe(block);
  expect(await Promise.all(announcements)).toEqual([{ status: 'known' }, { status: 'known' }]);
  expect(node.chain).toHaveLength(2);
  expect(writes).toHaveLength(1);
});
