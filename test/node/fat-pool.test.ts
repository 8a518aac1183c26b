// Issue 11, item 1: a pool of fat non-ASCII transactions made the next block too large to serialise,
// and every /mine after a restart crashed the node again. The pool and the blocks are bounded now.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transactionBytes } from '../../src/chain/block.ts';
import { toJson } from '../../src/chain/py-json.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';

/** Every route a client or a peer may call answers, none with a 5xx. */
async function expectEveryRouteAnswers(url: string): Promise<void> {
  for (const path of ['/chain', '/chain/tip', '/chain?from=1', '/transactions/pending', '/health', '/nodes/resolve', '/metrics']) {
    expect({ path, status: (await call(`${url}${path}`)).status }).toEqual({ path, status: 200 });
  }
}

describe('a pool of fat non-ASCII transactions', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chainlab-fat-pool-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  test('220 POSTs fill the pool to its bound, /mine forges a block within its bound, and a restart comes back', async () => {
    await using peer = await startFakePeer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const env = {
      NODE_ID: 'fat',
      DATA_DIR: dataDir,
      GOSSIP: 'on', // the block is announced to the peer, as the crash needed
      PEERS: peer.address,
      MAX_BLOCK_BYTES: '65536',
      MAX_PENDING_BYTES: '200000',
    };
    // 10 kB of raw UTF-8, 30 kB once escaped as \u00e9: two fit in a block, six in the pool.
    const fat = (i: number) => ({ sender: 'mallory', recipient: 'é'.repeat(5000), amount: i });
    const first = await startTestNode(env);
    const statuses: number[] = [];
    for (let i = 0; i < 220; i++) statuses.push((await call(`${first.url}/transactions/new`, { json: fat(i) })).status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(6);
    expect(statuses.filter((status) => status === 429)).toHaveLength(214);
    // A megabyte of it could never fit in a block: refused whole.
    expect((await call(`${first.url}/transactions/new`, { json: { ...fat(0), recipient: 'é'.repeat(520_000) } })).status).toBe(413);

    const mined = await call(`${first.url}/mine`);
    expect(mined.status).toBe(200);
    expect(mined.body.transactions).toHaveLength(3); // two of the pool's, oldest first, and the reward
    expect(toJson(first.node.chain[1]!).length).toBeLessThanOrEqual(65_536);
    const pendingBytes = first.node.pending.reduce((sum, transaction) => sum + transactionBytes(transaction), 0);
    expect({ pending: first.node.pending.length, pendingBytes }).toEqual({ pending: 4, pendingBytes: expect.any(Number) });
    expect(pendingBytes).toBeLessThanOrEqual(200_000);
    await expectEveryRouteAnswers(first.url);
    const chain = (await call(`${first.url}/chain`)).text;
    await first.close();

    await using second = await startTestNode(env);
    expect((await call(`${second.url}/chain`)).text).toBe(chain);
    expect(second.node.pending).toHaveLength(4);
    await expectEveryRouteAnswers(second.url);
    for (const expected of [3, 3, 1]) expect((await call(`${second.url}/mine`)).body.transactions).toHaveLength(expected);
    expect(second.node.pending).toEqual([]);
    await expectEveryRouteAnswers(second.url);
  });
});
