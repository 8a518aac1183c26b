// TX_RULE=signed keeps its pool spendable: once a peer's block or chain spends what a pending
// transaction counted on (its nonce, its balance), that transaction leaves the pool with a logged
// reason, rather than waiting to make this node's next block one every peer refuses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import type { Block } from '../../src/chain/block.ts';
import { searchProof } from '../../src/chain/proof-of-work.ts';
import { pyFloat, pythonStr } from '../../src/chain/py-json.ts';
import { ledgerOf } from '../../src/chain/signed-rules.ts';
import { capturingLogger } from '../support/apps.ts';
import { call, startTestNode } from '../support/nodes.ts';
import { address, signedTx } from '../support/signed.ts';

const ALICE = address('alice');
const MALLORY = address('mallory');

/** Announces, as a peer would, block 3 on the node's block 2: alice's nonce 1 spent on mallory, valid on its own. */
async function spendNonceOneAgain(url: string) {
  const tip = ((await call(`${url}/chain`)).body.chain as Block[])[1]!;
  const block = {
    index: 3,
    timestamp: pyFloat(1_700_000_000.5),
    transactions: [signedTx('alice', 'mallory', 1, 1), { sender: '0', recipient: MALLORY, amount: 1 }],
    proof: searchProof(pythonStr(tip.proof)!, 1, 0, Number.MAX_SAFE_INTEGER, '')!,
    previous_hash: cachedHash(tip),
  };
  return call(`${url}/gossip/blocks`, { json: { block, length: 3 } });
}

/** A DATA_DIR of its own, removed when disposed (after the nodes that use it, declared later, are closed). */
async function temporaryDataDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'chainlab-signed-pool-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

describe('the pending pool under signed', () => {
  test("a pending payment whose nonce a peer's block used is dropped, logged, and never mined", async () => {
    const { log, lines } = capturingLogger('warn');
    await using node = await startTestNode({ DIFFICULTY: '1', TX_RULE: 'signed', MINER_ADDRESS: ALICE }, log);
    await call(`${node.url}/mine`); // alice has 1
    expect((await call(`${node.url}/transactions/new`, { json: signedTx('alice', 'bob', 1, 1) })).status).toBe(201);
    expect((await spendNonceOneAgain(node.url)).status).toBe(200);

    expect((await call(`${node.url}/transactions/pending`)).body.length).toBe(0);
    expect((await call(`${node.url}/accounts/${ALICE}`)).body).toMatchObject({ balance: 0, available: 0, next_nonce: 2 });
    expect(lines).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/nonce 1 is used already/) }));

    await call(`${node.url}/mine`);
    const after = (await call(`${node.url}/chain`)).body.chain as Block[];
    expect(ledgerOf(after)).toMatchObject({ ok: true });
  });

  test('after a reorg, a returned payment whose nonce the new chain used is dropped and logged', async () => {
    const env = { DIFFICULTY: '1', TX_RULE: 'signed', MINER_ADDRESS: ALICE, GOSSIP: 'off' };
    const { log, lines } = capturingLogger('warn');
    await using a = await startTestNode(env, log);
    await using b = await startTestNode(env);
    await call(`${a.url}/mine`); // alice has 1, on both once b adopts a's chain
    await call(`${b.url}/nodes/register`, { json: { nodes: [a.address] } });
    await call(`${b.url}/nodes/resolve`);
    // The same nonce spent twice, once on each node, and b's branch grows longer.
    await call(`${a.url}/transactions/new`, { json: signedTx('alice', 'bob', 1, 1) });
    await call(`${a.url}/mine`);
    await call(`${b.url}/transactions/new`, { json: signedTx('alice', 'mallory', 1, 1) });
    await call(`${b.url}/mine`);
    await call(`${b.url}/mine`);

    await call(`${a.url}/nodes/register`, { json: { nodes: [b.address] } });
    expect((await call(`${a.url}/nodes/resolve`)).body).toMatchObject({ message: 'Our chain was replaced' });
    expect((await call(`${a.url}/transactions/pending`)).body.length).toBe(0);
    expect(lines).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/nonce 1 is used already/) }));
    await call(`${a.url}/mine`);
    expect(ledgerOf((await call(`${a.url}/chain`)).body.chain as Block[])).toMatchObject({ ok: true });
  });

  test('the drop is stored: a restart from DATA_DIR has the same pool', async () => {
    await using dir = await temporaryDataDir();
    const dataDir = dir.path;
    const env = { DIFFICULTY: '1', TX_RULE: 'signed', MINER_ADDRESS: ALICE, DATA_DIR: dataDir };
    {
      await using node = await startTestNode(env);
      await call(`${node.url}/mine`);
      await call(`${node.url}/transactions/new`, { json: signedTx('alice', 'bob', 1, 1) });
      await spendNonceOneAgain(node.url);
    }
    await using again = await startTestNode(env);
    expect((await call(`${again.url}/chain`)).body.length).toBe(3);
    expect((await call(`${again.url}/transactions/pending`)).body.length).toBe(0);
  });

  test('a pool kept under TX_RULE=open and reopened under signed is tidied before a block is mined from it', async () => {
    await using dir = await temporaryDataDir();
    const dataDir = dir.path;
    {
      await using open = await startTestNode({ DIFFICULTY: '1', DATA_DIR: dataDir });
      await call(`${open.url}/transactions/new`, { json: { sender: 'someone', recipient: 'else', amount: 5 } });
    }
    const { log, lines } = capturingLogger('warn');
    await using signed = await startTestNode({ DIFFICULTY: '1', DATA_DIR: dataDir, TX_RULE: 'signed', MINER_ADDRESS: ALICE }, log);
    await call(`${signed.url}/mine`);
    const chain = (await call(`${signed.url}/chain`)).body.chain as Block[];
    expect(chain[1]!.transactions).toEqual([{ sender: '0', recipient: ALICE, amount: 1 }]);
    expect(ledgerOf(chain)).toMatchObject({ ok: true });
    expect(lines).toContainEqual(expect.objectContaining({ reason: 'it is not a signed transaction' }));
  });
});
