// The pool's and a block's bounds as clients and peers meet them: every refusal has its status and
// its reason, and stores nothing.
import { genesisBlock, rewardTransaction } from '../../src/chain/block.ts';
import { canonicalJson, pyFloat } from '../../src/chain/py-json.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import type { PoolLimits } from '../../src/node/chain-node.ts';
import { createTestApp, serve } from '../support/apps.ts';
import { closable } from '../support/closable.ts';
import { call } from '../support/nodes.ts';

/** An app on a free port whose node has these bounds (the configuration's defaults for the rest). */
async function serveWith(limits: Partial<PoolLimits>) {
  const { app, node } = createTestApp({ limits });
  const server = await serve(app);
  const post = (path: string, json: unknown) => call(`${server.url}${path}`, { json });
  return closable({ node, post, close: () => server.close() });
}

const pay = (i: number, extra: object = {}) => ({ sender: 'alice', recipient: 'bob', amount: i, id: `tx-${i}`, ...extra });

describe('POST /transactions/new', () => {
  test('a transaction beyond MAX_PENDING is refused with 429, and nothing is stored', async () => {
    await using app = await serveWith({ maxPending: 2 });
    expect((await app.post('/transactions/new', pay(1))).status).toBe(201);
    expect((await app.post('/transactions/new', pay(2))).status).toBe(201);
    const refused = await app.post('/transactions/new', pay(3));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/pending pool is full: it holds at most 2 transactions \(MAX_PENDING\)/);
    expect(app.node.pending.map(({ id }) => id)).toEqual(['tx-1', 'tx-2']);
    // A copy of one held is still recognised: only new transactions are bounded.
    expect((await app.post('/transactions/new', pay(2))).status).toBe(200);
  });

  test('a transaction that would take the pool past MAX_PENDING_BYTES is refused with 429', async () => {
    const memo = 'é'.repeat(100); // raw UTF-8, 600 characters once escaped
    await using app = await serveWith({ maxPendingBytes: 1500 });
    expect((await app.post('/transactions/new', pay(1, { recipient: memo }))).status).toBe(201);
    expect((await app.post('/transactions/new', pay(2, { recipient: memo }))).status).toBe(201);
    const refused = await app.post('/transactions/new', pay(3, { recipient: memo }));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/at most 1500 bytes of transactions as JSON \(MAX_PENDING_BYTES\)/);
    expect(app.node.pending).toHaveLength(2);
    expect((await app.post('/transactions/new', pay(3))).status).toBe(201); // a small one still fits
  });

  test('a transaction no block could hold is refused with 413', async () => {
    await using app = await serveWith({ maxBlockBytes: 2048 });
    const refused = await app.post('/transactions/new', pay(1, { recipient: 'x'.repeat(2000) }));
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatch(/cannot fit in a block: a block holds at most 2048 bytes as JSON \(MAX_BLOCK_BYTES\)/);
    expect(app.node.pending).toEqual([]);
  });

  test('a transaction is measured as canonical JSON against the room in a block, to the byte, though most are shown to fit without it', async () => {
    // The room pool-intake.ts leaves a transaction: the block bound less the largest empty block the test node could mine.
    const empty = {
      index: Number.MAX_SAFE_INTEGER,
      timestamp: pyFloat(-1.2345678901234568e-300),
      transactions: [rewardTransaction('test-node')],
    };
    const room = 2048 - canonicalJson({ ...empty, proof: Number.MAX_SAFE_INTEGER, previous_hash: '0'.repeat(64) }).length;
    const sized = (i: number, inBlock: number) => {
      const base = canonicalJson(pay(i, { recipient: '' })).length + 2; // with the ', ' after it in a block
      return pay(i, { recipient: 'x'.repeat(inBlock - base) });
    };
    await using app = await serveWith({ maxBlockBytes: 2048 });
    expect((await app.post('/transactions/new', sized(1, room))).status).toBe(201);
    // One byte more: its compact form (no space after ',' and ':') would still fit.
    expect((await app.post('/transactions/new', sized(2, room + 1))).status).toBe(413);
  });

  test('a fake mining reward, from "0", is refused with 400', async () => {
    await using app = await serveWith({});
    const refused = await app.post('/transactions/new', { sender: '0', recipient: 'mallory', amount: 1_000_000 });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/sender "0"/);
    expect(app.node.pending).toEqual([]);
  });
});

describe('POST /gossip/transactions', () => {
  test('a batch the pool cannot take whole is refused with 429, and none of it is stored', async () => {
    await using app = await serveWith({ maxPending: 3 });
    expect((await app.post('/transactions/new', pay(1))).status).toBe(201);
    const refused = await app.post('/gossip/transactions', { transactions: [pay(2), pay(3), pay(4)] });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/MAX_PENDING/);
    expect(app.node.pending.map(({ id }) => id)).toEqual(['tx-1']);
    // Held ones and repeats within the batch take no room.
    const taken = await app.post('/gossip/transactions', { transactions: [pay(1), pay(2), pay(3), pay(3)] });
    expect(taken).toMatchObject({ status: 200, body: { added: 2, known: 2, conflicting: 0 } });
    expect(app.node.pending.map(({ id }) => id)).toEqual(['tx-1', 'tx-2', 'tx-3']);
  });

  test('a batch with a transaction no block could hold is refused with 413, and none of it is stored', async () => {
    await using app = await serveWith({ maxBlockBytes: 2048 });
    const refused = await app.post('/gossip/transactions', { transactions: [pay(1), pay(2, { recipient: 'x'.repeat(2000) })] });
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatch(/MAX_BLOCK_BYTES/);
    expect(app.node.pending).toEqual([]);
  });

  test('every transaction must carry its id, and a fake reward is refused: 400, nothing stored', async () => {
    await using app = await serveWith({});
    const idless = await app.post('/gossip/transactions', { transactions: [pay(1), { sender: 'a', recipient: 'b', amount: 1 }] });
    expect(idless.status).toBe(400);
    expect(idless.body.error).toMatch(/^transactions\[1\]: id is required/);
    const reward = await app.post('/gossip/transactions', {
      transactions: [{ sender: '0', recipient: 'mallory', amount: 1_000_000, id: 'r' }],
    });
    expect(reward.status).toBe(400);
    expect(reward.body.error).toMatch(/^transactions\[0\]: sender "0"/);
    expect(app.node.pending).toEqual([]);
  });

  test('a batch as large as a block is read; a larger body is refused with 413', async () => {
    // Four times MAX_BODY_BYTES (4096 here) was the limit: a full block's batch did not fit.
    await using app = await serveWith({ maxBlockBytes: 65_536, maxPendingBytes: 1_000_000 });
    const batch = Array.from({ length: 40 }, (_, i) => pay(i, { recipient: 'r'.repeat(1000) }));
    expect(await app.post('/gossip/transactions', { transactions: batch })).toMatchObject({ status: 200, body: { added: 40 } });
    const huge = Array.from({ length: 140 }, (_, i) => pay(100 + i, { recipient: 'r'.repeat(1000) }));
    expect((await app.post('/gossip/transactions', { transactions: huge })).status).toBe(413);
    expect(app.node.pending).toHaveLength(40);
  });
});

describe('POST /gossip/blocks', () => {
  /** A block on genesis with a valid proof under the notebook's rule at difficulty 4, holding `transactions`. */
  const blockOnGenesis = (transactions: object[]) => ({
    index: 2,
    timestamp: 1_800_000_000.5,
    transactions,
    proof: 35293, // the reference's first proof after genesis's 100
    previous_hash: hashBlock(genesisBlock()),
  });

  test('an announcement of a block up to MAX_BLOCK_BYTES is read, where four times MAX_BODY_BYTES was not', async () => {
    await using app = await serveWith({ maxBlockBytes: 65_536 });
    const block = blockOnGenesis([{ sender: 'alice', recipient: 'r'.repeat(30_000), amount: 1, id: 'big' }]);
    const answer = await app.post('/gossip/blocks', { block, length: 2 });
    expect(answer).toMatchObject({ status: 200, body: { status: 'appended', length: 2 } });
  });

  test('a block larger than MAX_BLOCK_BYTES is rejected with its reason, and not appended', async () => {
    await using app = await serveWith({ maxBlockBytes: 2048 });
    const block = blockOnGenesis([{ sender: 'alice', recipient: 'r'.repeat(3000), amount: 1, id: 'big' }]);
    const answer = await app.post('/gossip/blocks', { block, length: 2 });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/^block rejected: block 2 is \d+ bytes as JSON; at most 2048/);
    expect(app.node.chain).toHaveLength(1);
  });
});
