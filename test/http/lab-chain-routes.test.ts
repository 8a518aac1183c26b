// The chain's side of the lab over HTTP (issue 13): every route's good and bad input, against real
// nodes with LAB=on, each answer held to the OpenAPI document.
import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { toJson, type JsonValue } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { call, startTestNode, type JsonResponse, type TestNode } from '../support/nodes.ts';

/** A body as the tests read and spoil it. */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read it freely

const LAB = { LAB: 'on', DIFFICULTY: '2' };

/** A POST with `json` as the body, written by toJson: a snapshot's floats (5.0) must stay floats, or its hashes change. */
async function post(node: TestNode, path: string, json?: unknown): Promise<JsonResponse> {
  const init =
    json === undefined ? { method: 'POST' } : { body: toJson(json as JsonValue), headers: { 'content-type': 'application/json' } };
  const response = await call(`${node.url}${path}`, init);
  expectMatchesContract('POST', path, response.status, response.body);
  return response;
}

async function get(node: TestNode, path: string): Promise<JsonResponse> {
  const response = await call(`${node.url}${path}`);
  expectMatchesContract('GET', path, response.status, response.body);
  return response;
}

/** A snapshot as the node wrote it, read as py-json reads it. */
async function snapshotOf(node: TestNode): Promise<{ text: string; body: Json }> {
  const { text } = await get(node, '/lab/snapshot');
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { text, body: parsed.value };
}

/** A node with a payment in block 2 and a block 3 on top. */
async function nodeWithPayment(env: Record<string, string> = {}): Promise<TestNode> {
  const node = await startTestNode({ ...LAB, ...env });
  await post(node, '/transactions/new', { sender: 'alice', recipient: 'bob', amount: 5 });
  await call(`${node.url}/mine`);
  await call(`${node.url}/mine`);
  return node;
}

describe('GET /chain/verify and POST /lab/tamper', () => {
  test('a tampering with rehash verifies under the notebook rule, and is told so', async () => {
    await using node = await nodeWithPayment();
    expect((await get(node, '/chain/verify')).body).toEqual({ valid: true, reasons: [] });
    const tampered = await post(node, '/lab/tamper', { index: 2, transaction: 0, amount: 1000, rehash: true });
    expect(tampered.status).toBe(200);
    expect(tampered.body).toMatchObject({ index: 2, relinked: 1, valid: true, reasons: [] });
    const chain = (await call(`${node.url}/chain`)).body.chain;
    expect(chain[1].transactions[0]).toMatchObject({ sender: 'alice', amount: 1000 });
    expect((await get(node, '/chain/verify')).body).toEqual({ valid: true, reasons: [] });
  });

  test('under the linked rule the same tampering does not verify, and the reason names the block', async () => {
    await using node = await nodeWithPayment({ POW_RULE: 'linked' });
    const tampered = await post(node, '/lab/tamper', { index: 2, transaction: 0, amount: 1000, rehash: true });
    expect(tampered.body.valid).toBe(false);
    expect((await get(node, '/chain/verify')).body).toEqual({
      valid: false,
      reasons: [expect.stringMatching(/^block 3: proof \d+ is not valid after block 2$/)],
    });
  });

  test.each([
    [{ index: 9, transaction: 0, amount: 1 }, 'index 9 is past the tip: the chain has 3 blocks'],
    [{ index: 2, transaction: 7, amount: 1 }, 'block 2 has 2 transactions: there is no transaction 7'],
    [{ index: 2, transaction: 0, amount: 'lots' }, 'amount must be a finite number'],
    [{ index: 2, transaction: 0, amount: 1, sender: 'x' }, 'unknown field "sender": a tampering takes index, transaction, amount, rehash'],
  ])('refuses %j with a 400 and changes nothing', async (body, reason) => {
    await using node = await nodeWithPayment();
    const before = (await call(`${node.url}/chain`)).text;
    expect(await post(node, '/lab/tamper', body)).toMatchObject({ status: 400, body: { error: reason } });
    expect((await call(`${node.url}/chain`)).text).toBe(before);
  });
});

describe('snapshots: GET /lab/snapshot, POST /lab/reset, POST /lab/restore', () => {
  test('snapshot, reset, restore: the chain and the pool come back', async () => {
    await using node = await nodeWithPayment();
    await post(node, '/transactions/new', { sender: 'carol', recipient: 'dan', amount: 2 });
    const snapshot = await snapshotOf(node);
    expect(snapshot.body).toMatchObject({ length: 3, pending: [{ sender: 'carol' }] });
    const reset = await post(node, '/lab/reset', { scope: 'node' });
    expect(reset.body).toMatchObject({ scope: 'node', length: 1, pending_count: 0 });
    expect((await get(node, '/lab/snapshot')).body).toMatchObject({ length: 1, pending: [] });
    const restored = await post(node, '/lab/restore', snapshot.body);
    expect(restored.body).toMatchObject({ length: 3, pending_count: 1 });
    expect((await get(node, '/lab/snapshot')).text).toBe(snapshot.text);
  });

  test('a restore may make the chain shorter', async () => {
    await using node = await nodeWithPayment();
    const { body } = await snapshotOf(node);
    const shorter = { chain: body.chain.slice(0, 2), length: 2, pending: [] };
    expect((await post(node, '/lab/restore', shorter)).body).toMatchObject({ length: 2 });
    expect((await call(`${node.url}/chain`)).body.length).toBe(2);
  });

  test.each([
    [
      'a chain whose block 2 was tampered with',
      (s: Json) => ({ ...s, chain: tamper(s.chain) }),
      'chain: block 3: previous_hash does not match the hash of block 2',
    ],
    ['a chain with no genesis block', (s: Json) => ({ ...s, chain: s.chain.slice(1) }), 'chain: block 1 is not a genesis block'],
    ['a wrong length', (s: Json) => ({ ...s, length: 7 }), 'length 7 does not match a chain of 3 blocks'],
    ['a bad pending entry', (s: Json) => ({ ...s, pending: [{ sender: 'a' }] }), 'pending[0]: Missing values: recipient, amount'],
    ['a pending entry twice', (s: Json) => ({ ...s, pending: [TX, TX] }), 'pending[1] is pending twice'],
    ['no chain', () => ({ pending: [] }), 'chain: chain is not an array'],
  ])('refuses %s with a 400 and changes nothing', async (_what, spoil, reason) => {
    await using node = await nodeWithPayment();
    const snapshot = await snapshotOf(node);
    const refused = await post(node, '/lab/restore', spoil(snapshot.body));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain(reason);
    expect((await get(node, '/lab/snapshot')).text).toBe(snapshot.text);
  });

  test('a restore takes a snapshot larger than MAX_BODY_BYTES, up to MAX_PEER_RESPONSE_BYTES: past it, 413 and nothing changed', async () => {
    const limit = 1_048_576;
    await using node = await startTestNode({ ...LAB, MAX_BODY_BYTES: '2048', MAX_PEER_RESPONSE_BYTES: String(limit) });
    for (let i = 0; i < 12; i++) await call(`${node.url}/mine`);
    const snapshot = await snapshotOf(node);
    expect(snapshot.text.length).toBeGreaterThan(2048);
    await post(node, '/lab/reset', { scope: 'node' });
    expect((await post(node, '/lab/mining', { mode: 'manual', padding: 'x'.repeat(4096) })).status).toBe(413);
    const oversized = { ...(snapshot.body as object), padding: 'x'.repeat(limit) };
    expect((await post(node, '/lab/restore', oversized)).status).toBe(413);
    expect((await call(`${node.url}/chain`)).body.length).toBe(1);
    expect((await post(node, '/lab/restore', snapshot.body)).status).toBe(200);
    expect((await call(`${node.url}/chain`)).body.length).toBe(13);
  });

  test('one restore at a time: while one is being read, another is a 429 before its body is read', async () => {
    await using node = await nodeWithPayment();
    const snapshot = await snapshotOf(node);
    await post(node, '/lab/reset', { scope: 'node' });
    // The first restore sends half its body and waits: the node is reading it.
    const first = startRestore(node);
    first.write(snapshot.text.slice(0, snapshot.text.length / 2));
    // Until the node holds the first, an empty body is a 400 that changes nothing; then a 429.
    let refused: JsonResponse | undefined;
    for (let attempt = 0; attempt < 1000 && refused?.status !== 429; attempt++) refused = await post(node, '/lab/restore', {});
    expect(refused).toMatchObject({ status: 429, body: { error: expect.stringContaining('another restore is being read or applied') } });
    // A second one is answered with its body still unsent: the node never waits for it, let alone buffers it.
    const second = startRestore(node);
    second.write('{"chain": [');
    const answer = await responseOf(second);
    second.destroy();
    expect(answer.status).toBe(429);
    expectMatchesContract('POST', '/lab/restore', answer.status, JSON.parse(answer.text));
    first.end(snapshot.text.slice(snapshot.text.length / 2));
    expect(await responseOf(first)).toMatchObject({ status: 200 });
    expect((await get(node, '/lab/snapshot')).text).toBe(snapshot.text);
    // Cleared when a restore is done, refused or not.
    expect((await post(node, '/lab/restore', {})).status).toBe(400);
    expect((await post(node, '/lab/restore', snapshot.body)).status).toBe(200);
  });

  test.each([
    [{ scope: 'planet' }, 'scope must be "node" (this node only) or "network" (every node)'],
    [{ scope: 'node', all: true }, 'unknown field "all": a reset takes scope'],
    [[], 'the body must be a JSON object'],
  ])('POST /lab/reset refuses %j', async (body, reason) => {
    await using node = await nodeWithPayment();
    const refused = await post(node, '/lab/reset', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain(reason);
    expect((await call(`${node.url}/chain`)).body.length).toBe(3);
  });
});

describe('POST /lab/mining', () => {
  test.each([
    [{ mode: 'sometimes' }, 'mode must be "manual", "interval" or "on-transaction"'],
    [{ mode: 'interval' }, 'seconds must be a whole number from 1 to 3600'],
    [{ mode: 'interval', seconds: 0 }, 'seconds must be a whole number from 1 to 3600'],
    [{ mode: 'interval', seconds: 3601 }, 'seconds must be a whole number from 1 to 3600'],
    [{ mode: 'manual', seconds: 5 }, 'seconds is for the interval mode only, not manual'],
    [{ mode: 'manual', speed: 5 }, 'unknown field "speed"'],
  ])('refuses %j', async (body, reason) => {
    await using node = await startTestNode(LAB);
    const refused = await post(node, '/lab/mining', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain(reason);
    expect(node.node.mining.mode).toEqual({ mode: 'manual' });
  });

  test('takes each mode and says which it is now', async () => {
    await using node = await startTestNode(LAB);
    expect((await post(node, '/lab/mining', { mode: 'interval', seconds: 3600 })).body.mining).toEqual({ mode: 'interval', seconds: 3600 });
    expect((await post(node, '/lab/mining', { mode: 'on-transaction' })).body.mining).toEqual({ mode: 'on-transaction' });
    expect((await post(node, '/lab/mining', { mode: 'manual' })).body.mining).toEqual({ mode: 'manual' });
  });
});

test('GET /lab/dropped answers an empty set on a node that never reorganised', async () => {
  await using node = await startTestNode(LAB);
  expect((await get(node, '/lab/dropped')).body).toEqual({ blocks: [], max_blocks: 256, max_bytes: 4 * 1024 * 1024 });
});

test('with LAB=off the /lab/* routes are 404s, and GET /chain/verify is still served', async () => {
  await using node = await startTestNode({ DIFFICULTY: '2' });
  for (const [method, path] of [
    ['POST', '/lab/tamper'],
    ['POST', '/lab/mining'],
    ['GET', '/lab/snapshot'],
    ['POST', '/lab/restore'],
    ['POST', '/lab/reset'],
    ['GET', '/lab/dropped'],
  ] as const) {
    expect((await call(`${node.url}${path}`, method === 'POST' ? { json: { scope: 'node' } } : {})).status).toBe(404);
  }
  expect((await get(node, '/chain/verify')).body).toEqual({ valid: true, reasons: [] });
});

const TX = { sender: 'a', recipient: 'b', amount: 1, id: 'tx1' };

/** A POST /lab/restore whose body is sent in chunks, as the test writes them. */
function startRestore(node: TestNode): ClientRequest {
  const [host, port] = node.address.split(':');
  const started = request({
    host,
    port,
    path: '/lab/restore',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
  });
  started.on('error', () => {}); // the second is destroyed once answered
  started.flushHeaders();
  return started;
}

async function responseOf(sent: ClientRequest): Promise<{ status: number; text: string }> {
  const [response] = (await once(sent, 'response')) as [IncomingMessage];
  let text = '';
  for await (const chunk of response) text += String(chunk);
  return { status: response.statusCode ?? 0, text };
}

/** The chain with block 2's first amount changed and nothing relinked. */
function tamper(chain: Json[]): Json[] {
  return chain.map((block, i) =>
    i === 1 ? { ...block, transactions: [{ ...block.transactions[0], amount: 999 }, ...block.transactions.slice(1)] } : block,
  );
}
