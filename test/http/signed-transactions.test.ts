// TX_RULE=signed over HTTP: the three attacks of the lesson pass under open and are refused under
// signed, every refusal is a 400 with its reason and stores nothing, and a peer's block that breaks
// a rule is refused whatever its proof.
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import { genesisBlock } from '../../src/chain/block.ts';
import { searchProof } from '../../src/chain/proof-of-work.ts';
import { pyFloat } from '../../src/chain/py-json.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { call, startTestNode } from '../support/nodes.ts';
import { validSignedTransaction } from '../../src/chain/signed-rules.ts';
import { OPENAPI } from '../../src/http/openapi.ts';
import { address, signedTx, signedVectors } from '../support/signed.ts';

type TestNode = Awaited<ReturnType<typeof startTestNode>>;
const ALICE = address('alice');
const BOB = address('bob');
const MALLORY = address('mallory');

async function post(node: TestNode, body: object) {
  return call(`${node.url}/transactions/new`, { json: body });
}
const pending = async (node: TestNode) => ((await call(`${node.url}/transactions/pending`)).body as { length: number }).length;
const account = async (node: TestNode, who: string) => (await call(`${node.url}/accounts/${who}`)).body;

describe('the lesson: three attacks, under open', () => {
  let node: TestNode;
  beforeEach(async () => (node = await startTestNode({ DIFFICULTY: '1' })));
  afterEach(() => node.close());

  test("spending someone else's coins, coins one does not have, and a replay are all taken", async () => {
    expect((await post(node, { sender: ALICE, recipient: MALLORY, amount: 5 })).status).toBe(201); // mallory, as alice
    expect((await post(node, { sender: BOB, recipient: MALLORY, amount: 1_000_000 })).status).toBe(201); // nobody has it
    expect((await post(node, { sender: ALICE, recipient: BOB, amount: 1 })).status).toBe(201);
    expect((await post(node, { sender: ALICE, recipient: BOB, amount: 1 })).status).toBe(201); // the replay
    expect(await pending(node)).toBe(4);
    expect((await call(`${node.url}/accounts/${ALICE}`)).status).toBe(404);
  });
});

describe('the lesson: three attacks, under signed', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startTestNode({ DIFFICULTY: '1', TX_RULE: 'signed', MINER_ADDRESS: ALICE });
    await call(`${node.url}/mine`); // alice has 1
  });
  afterEach(() => node.close());

  test("spending someone else's coins: a bad signature, nothing stored", async () => {
    const { status, body } = await post(node, signedTx('alice', 'mallory', 1, 1, 'mallory'));
    expect(status).toBe(400);
    expect(body.error).toMatch(/^bad signature/);
    expect(await pending(node)).toBe(0);
  });

  test('spending coins one does not have: insufficient funds, pending outgoing counted', async () => {
    expect(await post(node, signedTx('bob', 'mallory', 5, 1))).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/insufficient funds/) },
    });
    expect((await post(node, signedTx('alice', 'bob', 0.75, 1))).status).toBe(201);
    expect(await post(node, signedTx('alice', 'bob', 0.5, 2))).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/insufficient funds: the sender has 0.25 available/) },
    });
    expect(await pending(node)).toBe(1);
    expect(await account(node, ALICE)).toEqual({ address: ALICE, balance: 1, available: 0.25, next_nonce: 2 });
    const answers = [await call(`${node.url}/accounts/${ALICE}`), await call(`${node.url}/accounts/alice`)];
    for (const { status, body } of answers) expectMatchesContract('get', '/accounts/{address}', status, body);
  });

  test('replaying a payment: the same one is already known, stored once, pending or mined', async () => {
    const payment = signedTx('alice', 'bob', 1, 1);
    const first = await post(node, payment);
    expect(first.status).toBe(201);
    expect(await post(node, payment)).toMatchObject({
      status: 200,
      body: { id: first.body.id, message: `Transaction ${first.body.id} is already known` },
    });
    expect(await pending(node)).toBe(1);
    await call(`${node.url}/mine`);
    expect((await post(node, payment)).status).toBe(200);
    expect(await pending(node)).toBe(0);
    expect(await account(node, BOB)).toEqual({ address: BOB, balance: 1, available: 1, next_nonce: 1 });
    expect(await account(node, ALICE)).toEqual({ address: ALICE, balance: 1, available: 1, next_nonce: 2 });
  });

  test('a used nonce with other content and a nonce gap are 400s', async () => {
    await call(`${node.url}/mine`); // alice has 2
    expect((await post(node, signedTx('alice', 'bob', 1, 1))).status).toBe(201);
    expect(await post(node, signedTx('alice', 'bob', 0.5, 1))).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/nonce 1 is used/) },
    });
    expect(await post(node, signedTx('alice', 'bob', 0.5, 3))).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/gap/) },
    });
    expect(await pending(node)).toBe(1);
  });

  test('a client-made reward, a changed amount and a missing signature are 400s', async () => {
    expect((await post(node, { sender: '0', recipient: BOB, amount: 1, nonce: 1, signature: '0'.repeat(128) })).status).toBe(400);
    expect((await post(node, { ...signedTx('alice', 'bob', 1, 1), amount: 0.5 })).status).toBe(400);
    expect((await post(node, { sender: ALICE, recipient: BOB, amount: 1, nonce: 1 })).status).toBe(400);
    expect((await call(`${node.url}/accounts/alice`)).status).toBe(400);
    expect(await pending(node)).toBe(0);
  });

  test("a peer's passed-on transactions meet the same rules: a bad signature stores none, an unfit one only itself", async () => {
    const good = { ...signedTx('alice', 'bob', 0.5, 1) };
    const forged = signedTx('alice', 'mallory', 0.5, 2, 'mallory');
    const sent = await call(`${node.url}/gossip/transactions`, { json: { transactions: [good, forged] } });
    expect(sent).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^transactions\[1\]: bad signature/) } });
    expect(await pending(node)).toBe(0);
    const overspend = signedTx('alice', 'bob', 0.75, 2);
    const alone = await call(`${node.url}/gossip/transactions`, { json: { transactions: [signedTx('alice', 'bob', 2, 1)] } });
    expect(alone).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^transactions\[0\]: insufficient funds/) } });
    // A double spend the peer took first must not cost it the rest of its batch: the rest is pooled.
    const over = await call(`${node.url}/gossip/transactions`, { json: { transactions: [good, overspend] } });
    expect(over).toMatchObject({ status: 200, body: { added: 1, conflicting: 1 } });
    expect(await pending(node)).toBe(1);
  });

  test('the reward of a mined block goes to MINER_ADDRESS', async () => {
    const { body } = await call(`${node.url}/chain`);
    expect((body.chain as { transactions: unknown[] }[])[1]!.transactions).toEqual([{ sender: '0', recipient: ALICE, amount: 1 }]);
  });
});

describe("a peer's block under signed", () => {
  let node: TestNode;
  beforeEach(async () => (node = await startTestNode({ DIFFICULTY: '1', TX_RULE: 'signed', MINER_ADDRESS: ALICE })));
  afterEach(() => node.close());

  /** Block 2 on the genesis block, with a valid proof: only its transactions can be wrong. */
  function block2(transactions: object[]) {
    const proof = searchProof('100', 1, 0, Number.MAX_SAFE_INTEGER, '')!;
    return { index: 2, timestamp: pyFloat(1_700_000_000.5), transactions, proof, previous_hash: cachedHash(genesisBlock()) };
  }
  const announce = (block: object) => call(`${node.url}/gossip/blocks`, { json: { block, length: 2 } });
  const reward = (to: string) => ({ sender: '0', recipient: to, amount: 1 });

  test('one with a bad signature, an overspend or two rewards is refused; a good one is taken', async () => {
    const refusals = [
      [block2([signedTx('alice', 'mallory', 1, 1, 'mallory'), reward(MALLORY)]), /bad signature/],
      [block2([signedTx('bob', 'mallory', 1, 1), reward(MALLORY)]), /insufficient funds/],
      [block2([reward(MALLORY), reward(MALLORY)]), /holds 2 rewards/],
    ] as const;
    for (const [block, reason] of refusals) {
      expect(await announce(block)).toMatchObject({ status: 400, body: { error: expect.stringMatching(reason) } });
    }
    expect((await call(`${node.url}/chain`)).body.length).toBe(1);
    expect((await announce(block2([reward(MALLORY)]))).status).toBe(200);
    expect(await account(node, MALLORY)).toMatchObject({ balance: 1 });
  });
});

describe('the signed wire format in the OpenAPI document', () => {
  test("POST /transactions/new documents the signed body, with the README's worked example, which verifies", () => {
    const { schemas } = OPENAPI.components;
    const [example] = (schemas.SignedTransaction as { examples: object[] }).examples;
    const { sender, recipient, amount, nonce, signature } = signedVectors.example;
    expect(example).toEqual({ sender, recipient, amount, nonce, signature });
    expect(validSignedTransaction(example as never)).toMatchObject({ ok: true });
    const body = JSON.stringify(OPENAPI.paths['/transactions/new']?.post?.requestBody);
    expect(body).toContain('#/components/schemas/SignedTransaction');
  });
});
