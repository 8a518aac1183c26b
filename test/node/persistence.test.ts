// A node with DATA_DIR keeps its chain and pending pool across restarts.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectMatchesContract } from '../support/contract.ts';
import { call, startTestNode } from '../support/nodes.ts';

describe('DATA_DIR', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chainlab-node-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  test('the chain and the pending pool survive a restart, and the store is compacted on the way', async () => {
    const first = await startTestNode({ NODE_ID: 'a', DATA_DIR: dataDir });
    const mined = await call(`${first.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 1 } });
    await call(`${first.url}/mine`);
    const pending = await call(`${first.url}/transactions/new`, {
      body: '{"sender":"x","recipient":"z","amount":2.0}',
      headers: { 'content-type': 'application/json' },
    });
    const chain = (await call(`${first.url}/chain`)).text;
    await first.close();
    const logBefore = await readFile(join(dataDir, 'chain.log'), 'utf8');
    expect(logBefore.trim().split('\n')).toHaveLength(3);

    await using second = await startTestNode({ NODE_ID: 'a', DATA_DIR: dataDir });
    expect((await call(`${second.url}/chain`)).text).toBe(chain);
    expect((await call(`${second.url}/transactions/pending`)).text).toBe(
      `{"length":1,"transactions":[{"amount":2.0,"id":"${pending.body.id}","recipient":"z","sender":"x"}]}`,
    );
    // The mined transaction's record is gone from the log: the block holds it.
    const logAfter = await readFile(join(dataDir, 'chain.log'), 'utf8');
    expect(logAfter).not.toContain(`"id":"${mined.body.id}"}\n`);
    expect(logAfter).toContain('"amount":2.0');
    // Still recognised after the restart: neither copy is pooled again.
    expect(
      (await call(`${second.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 1, id: mined.body.id } })).status,
    ).toBe(200);
    const copy = `{"sender":"x","recipient":"z","amount":2.0,"id":"${pending.body.id}"}`;
    expect((await call(`${second.url}/transactions/new`, { body: copy, headers: { 'content-type': 'application/json' } })).status).toBe(
      200,
    );
  });

  test('a log damaged on disk comes back with the blocks before the damage, the file kept aside, and /health says so', async () => {
    const first = await startTestNode({ NODE_ID: 'a', DATA_DIR: dataDir });
    for (let i = 0; i < 4; i++) await call(`${first.url}/mine`);
    await first.close();
    // One record per block mined, 2 to 5. A digit changed inside block 4's record.
    const path = join(dataDir, 'chain.log');
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(5); // four records and the empty string after the last newline
    const damaged = lines.map((line, i) => (i === 2 ? line.replace('"proof":', '"proof":9') : line)).join('\n');
    await writeFile(path, damaged);

    await using second = await startTestNode({ NODE_ID: 'a', DATA_DIR: dataDir });
    expect((await call(`${second.url}/chain`)).body.length).toBe(3); // not genesis: the records before the damage are kept
    const health = await call(`${second.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body.store_damage).toMatchObject({ kept_records: 2, moved_to: expect.stringMatching(/chain\.log\.damaged-/) });
    expectMatchesContract('GET', '/health', health.status, health.body);
    const asides = (await readdir(dataDir)).filter((name) => name.startsWith('chain.log.damaged-'));
    expect(asides).toHaveLength(1);
    expect(await readFile(join(dataDir, asides[0]!), 'utf8')).toBe(damaged);
  });

  test('without DATA_DIR nothing is written and a restart starts afresh', async () => {
    const first = await startTestNode();
    await call(`${first.url}/mine`);
    await first.close();
    await using second = await startTestNode();
    expect((await call(`${second.url}/chain`)).body.length).toBe(1);
  });
});
