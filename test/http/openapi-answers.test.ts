// A real node's answers to real requests, each held to the OpenAPI document (test/support/contract.ts),
// and each request too: what the document refuses, the node refuses. Every test starts its own node.
import { hashBlock } from '../../src/chain/hash.ts';
import { guessSuffix, searchProof } from '../../src/chain/proof-of-work.ts';
import { pythonStr } from '../../src/chain/py-json.ts';
import { OPENAPI } from '../../src/http/openapi.ts';
import { expectMatchesContract, expectRequestMatchesContract, requestViolations } from '../support/contract.ts';
import { call, startTestNode, type JsonResponse, type TestNode } from '../support/nodes.ts';

const tx = (recipient: string, id?: string) => ({ sender: 'a', recipient, amount: 5, ...(id === undefined ? {} : { id }) });

describe('real answers match the document', () => {
  /** A node of its own for each test, so that any test can run alone (`-t`): no case depends on another. */
  const startNode = (env: Record<string, string> = {}) =>
    startTestNode({ NODE_ID: 'node-a', MAX_BODY_BYTES: '1024', MAX_BLOCK_BYTES: '65536', ...env });

  type Init = { json?: unknown; body?: string; headers?: Record<string, string> };

  /** Calls `method path` on `node`, expects `expectedStatus`, and checks the answer against the document. */
  async function conforming(node: TestNode, method: string, path: string, init: Init, expectedStatus: number): Promise<JsonResponse> {
    const answer = await call(`${node.url}${path}`, { method, ...init });
    expect({ path, status: answer.status }).toEqual({ path, status: expectedStatus });
    // Text answers (the page, metrics) are checked as the string they are; a 304 has no body.
    expectMatchesContract(method, path, answer.status, answer.text === '' ? undefined : (answer.body ?? answer.text));
    return answer;
  }

  /** A step that brings the node to where a case starts, expecting it to succeed. */
  const step = (method: string, path: string, json?: unknown) => async (node: TestNode) => {
    const { status, text } = await call(`${node.url}${path}`, { method, json });
    if (status >= 300) throw new Error(`given ${method} ${path}: ${status} ${text}`);
  };
  const pooled = (recipient: string, id?: string) => step('POST', '/transactions/new', tx(recipient, id));
  const mined = step('GET', '/mine');
  /** The genesis block as the node serves it. */
  const genesis = async (node: TestNode): Promise<unknown> => (await call(`${node.url}/chain`)).body.chain[0];
  const registered = step('POST', '/nodes/register', { nodes: ['127.0.0.1:1', 'localhost:1'] });

  interface Case {
    name: string;
    /** What the node goes through first. */
    given?: ((node: TestNode) => Promise<void>)[];
    method: 'GET' | 'POST';
    path: string;
    init?: Init | ((node: TestNode) => Promise<Init>);
    status: number;
    /** Whether the document takes the request; `raw` for a body that is not JSON at all. */
    request: 'valid' | 'invalid' | 'raw';
    /** The node's configuration, beyond startNode's. */
    env?: Record<string, string>;
  }

  test.each<Case>([
    { name: 'a transaction', method: 'POST', path: '/transactions/new', init: { json: tx('b') }, status: 201, request: 'valid' },
    {
      name: 'a transaction with its own id',
      method: 'POST',
      path: '/transactions/new',
      init: { json: tx('b', 'tx-1') },
      status: 201,
      request: 'valid',
    },
    {
      name: 'a copy of a known transaction',
      given: [pooled('b', 'tx-1')],
      method: 'POST',
      path: '/transactions/new',
      init: { json: tx('b', 'tx-1') },
      status: 200,
      request: 'valid',
    },
    {
      name: 'another transaction under a known id',
      given: [pooled('b', 'tx-1')],
      method: 'POST',
      path: '/transactions/new',
      init: { json: tx('c', 'tx-1') },
      status: 409,
      request: 'valid',
    },
    {
      name: 'transactions passed on by a peer: one new, one known, one conflicting',
      given: [pooled('b', 'tx-1')],
      method: 'POST',
      path: '/gossip/transactions',
      init: { json: { transactions: [tx('d', 'peer-1'), tx('b', 'tx-1'), tx('e', 'tx-1')] } },
      status: 200,
      request: 'valid',
    },
    {
      name: 'passed-on transactions with one invalid',
      method: 'POST',
      path: '/gossip/transactions',
      init: { json: { transactions: [tx('f', 'peer-2'), { sender: 'a' }] } },
      status: 400,
      request: 'invalid',
    },
    { name: 'the pending pool', given: [pooled('b', 'tx-1')], method: 'GET', path: '/transactions/pending', status: 200, request: 'valid' },
    { name: 'a mined block', given: [pooled('b', 'tx-1')], method: 'GET', path: '/mine', status: 200, request: 'valid' },
    { name: 'a block mined by POST', method: 'POST', path: '/mine', status: 200, request: 'valid' },
    { name: 'the chain', given: [pooled('b'), mined], method: 'GET', path: '/chain', status: 200, request: 'valid' },
    { name: 'the chain from a position on', given: [mined], method: 'GET', path: '/chain?from=2', status: 200, request: 'valid' },
    { name: 'the chain past its tip', method: 'GET', path: '/chain?from=9', status: 200, request: 'valid' },
    { name: 'a bad position', method: 'GET', path: '/chain?from=0', status: 400, request: 'invalid' },
    { name: 'the tip', given: [mined], method: 'GET', path: '/chain/tip', status: 200, request: 'valid' },
    {
      name: 'an announced block the node has',
      method: 'POST',
      path: '/gossip/blocks',
      init: async (node) => ({ json: { block: await genesis(node), length: 1 } }),
      status: 200,
      request: 'valid',
    },
    {
      name: 'an announcement without a length',
      method: 'POST',
      path: '/gossip/blocks',
      init: async (node) => ({ json: { block: await genesis(node) } }),
      status: 400,
      request: 'invalid',
    },
    {
      name: 'a registration',
      method: 'POST',
      path: '/nodes/register',
      init: { json: { nodes: ['127.0.0.1:1', 'localhost:1'] } },
      status: 201,
      request: 'valid',
    },
    {
      name: 'a registration of a bad address',
      method: 'POST',
      path: '/nodes/register',
      init: { json: { nodes: [5] } },
      status: 400,
      request: 'invalid',
    },
    { name: 'a resolution with peers down', given: [registered], method: 'GET', path: '/nodes/resolve', status: 200, request: 'valid' },
    { name: 'the peers', given: [registered, step('GET', '/nodes/resolve')], method: 'GET', path: '/nodes', status: 200, request: 'valid' },
    { name: 'the health', method: 'GET', path: '/health', status: 200, request: 'valid' },
    { name: 'the network', given: [registered, mined], method: 'GET', path: '/network?last=1', status: 200, request: 'valid' },
    { name: 'a network view of too many blocks', method: 'GET', path: '/network?last=10000000', status: 400, request: 'invalid' },
    { name: 'the metrics', method: 'GET', path: '/metrics', status: 200, request: 'valid' },
    {
      name: 'a transaction missing fields',
      method: 'POST',
      path: '/transactions/new',
      init: { json: { sender: 'a' } },
      status: 400,
      request: 'invalid',
    },
    {
      name: 'a transaction to an empty recipient',
      method: 'POST',
      path: '/transactions/new',
      init: { json: tx('') },
      status: 400,
      request: 'invalid',
    },
    {
      name: 'a body that is not JSON',
      method: 'POST',
      path: '/transactions/new',
      init: { body: '{"sender": ', headers: { 'content-type': 'application/json' } },
      status: 400,
      request: 'raw',
    },
    {
      name: 'a body too large',
      method: 'POST',
      path: '/nodes/register',
      init: { json: { nodes: ['x'.repeat(2000)] } },
      status: 413,
      request: 'valid',
    },
    {
      name: 'a gossip body too large',
      method: 'POST',
      path: '/gossip/transactions',
      // Gossip takes a block's worth: MAX_BLOCK_BYTES (64 KiB here) and 64 KiB.
      init: { json: { transactions: [tx('x'.repeat(140_000), 'tx-big')] } },
      status: 413,
      request: 'valid',
    },
    { name: 'a resolution by POST', given: [registered], method: 'POST', path: '/nodes/resolve', status: 200, request: 'valid' },
    {
      name: 'a mine from another site',
      method: 'GET',
      path: '/mine',
      init: { headers: { 'sec-fetch-site': 'cross-site' } },
      status: 403,
      request: 'valid',
    },
    {
      name: 'a resolution from another origin',
      method: 'POST',
      path: '/nodes/resolve',
      init: { headers: { origin: 'http://evil.example' } },
      status: 403,
      request: 'valid',
    },
    {
      name: 'a transaction from another origin',
      method: 'POST',
      path: '/transactions/new',
      init: { json: tx('b'), headers: { origin: 'http://evil.example' } },
      status: 403,
      request: 'valid',
    },
    {
      name: 'a registration from another site',
      method: 'POST',
      path: '/nodes/register',
      init: { json: { nodes: ['127.0.0.1:1'] }, headers: { 'sec-fetch-site': 'same-site' } },
      status: 403,
      request: 'valid',
    },
    {
      name: 'an announcement from another site',
      method: 'POST',
      path: '/gossip/blocks',
      init: async (node) => ({ json: { block: await genesis(node), length: 1 }, headers: { 'sec-fetch-site': 'cross-site' } }),
      status: 403,
      request: 'valid',
    },
    {
      name: 'a transaction for a full pool',
      env: { MAX_PENDING: '1' },
      given: [pooled('b', 'tx-1')],
      method: 'POST',
      path: '/transactions/new',
      init: { json: tx('c', 'tx-2') },
      status: 429,
      request: 'valid',
    },
    {
      name: 'passed-on transactions for a full pool',
      env: { MAX_PENDING: '1' },
      given: [pooled('b', 'tx-1')],
      method: 'POST',
      path: '/gossip/transactions',
      init: { json: { transactions: [tx('c', 'peer-2')] } },
      status: 429,
      request: 'valid',
    },
  ])('$name', async ({ given = [], method, path, init = {}, status, request, env }) => {
    await using node = await startNode(env);
    for (const setUp of given) await setUp(node);
    const sent = typeof init === 'function' ? await init(node) : init;
    if (request === 'valid') expectRequestMatchesContract(method, path, sent.json);
    if (request === 'invalid') expect(requestViolations(method, path, sent.json)).not.toEqual([]);
    await conforming(node, method, path, sent, status);
  });

  test('GET /events beyond MAX_EVENT_CLIENTS: a 429, before any stream opens', async () => {
    await using node = await startNode({ MAX_EVENT_CLIENTS: '1' });
    const open = new AbortController();
    const first = await fetch(`${node.url}/events`, { signal: open.signal });
    try {
      expect(first.status).toBe(200);
      await conforming(node, 'GET', '/events', {}, 429);
    } finally {
      open.abort();
    }
  });

  test("every file of the explorer's page, and a 304 for a copy the browser has", async () => {
    await using node = await startNode();
    const files = Object.entries(OPENAPI.paths).filter(([, item]) => item.get?.responses?.['304'] !== undefined);
    expect(files.map(([path]) => path)).toEqual(expect.arrayContaining(['/', '/explorer/explorer.js', '/explorer/explorer.css']));
    for (const [path] of files) {
      await conforming(node, 'GET', path, {}, 200);
      const etag = (await fetch(`${node.url}${path}`)).headers.get('etag')!;
      // fetch adds `Cache-Control: no-cache` to a conditional request that has none, which asks for a fresh copy: a browser revalidating sends max-age=0.
      await conforming(node, 'GET', path, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } }, 304);
    }
  });

  test('GET /openapi.json serves the document', async () => {
    await using node = await startNode();
    const { body } = await conforming(node, 'GET', '/openapi.json', {}, 200);
    expect(body).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
  });

  test('the answers the document describes are the ones given', async () => {
    await using node = await startNode();
    const pool = (status: number) => conforming(node, 'POST', '/transactions/new', { json: tx('g', 'tx-2') }, status);
    expect((await pool(201)).body).toEqual({ message: 'Transaction will be added to Block 2', id: 'tx-2' });
    expect((await pool(200)).body).toEqual({ message: 'Transaction tx-2 is already known', id: 'tx-2' });
    const pending = await conforming(node, 'GET', '/transactions/pending', {}, 200);
    expect(pending.body).toEqual({ transactions: [tx('g', 'tx-2')], length: 1 });
    await conforming(node, 'GET', '/mine', {}, 200);
    const { chain } = node.node;
    expect((await conforming(node, 'GET', `/chain?from=${chain.length}`, {}, 200)).body).toEqual({
      chain: [chain.at(-1)],
      length: 2,
      from: 2,
    });
    expect((await conforming(node, 'GET', '/chain/tip', {}, 200)).body).toEqual({ length: 2, hash: hashBlock(chain.at(-1)!) });
  });

  test('an announced block that extends the tip is appended; one with a bad proof is rejected', async () => {
    await using node = await startNode();
    const { hash, length } = (await call(`${node.url}/chain/tip`)).body;
    const lastProof = pythonStr(node.node.chain.at(-1)!.proof)!;
    const { difficulty, powRule } = node.node.rules;
    const proof = searchProof(lastProof, difficulty, 0, Number.MAX_SAFE_INTEGER, guessSuffix(powRule, hash))!;
    const block = { index: length + 1, timestamp: 1_800_000_000.5, transactions: [], proof, previous_hash: hash };
    const announce = (announced: object, status: number) => {
      expectRequestMatchesContract('POST', '/gossip/blocks', { block: announced, length: length + 1 });
      return conforming(node, 'POST', '/gossip/blocks', { json: { block: announced, length: length + 1 } }, status);
    };

    expect((await announce({ ...block, proof: proof + 1 }, 400)).body.error).toMatch(/^block rejected: block \d+: proof \d+ is not valid/);
    expect((await announce(block, 200)).body).toEqual({ status: 'appended', length: length + 1 });
    expect((await announce(block, 200)).body).toEqual({ status: 'known', length: length + 1 });
  });

  test.each([
    ['an unknown path', 'GET', '/no/such/path', 404],
    ['a method the path does not take', 'GET', '/transactions/new', 405],
  ])('%s gets the documented error shape', async (_name, method, path, expectedStatus) => {
    await using node = await startNode();
    const { status, body } = await call(`${node.url}${path}`, { method });
    expect(status).toBe(expectedStatus);
    // No route answers for the path: any route's `default` answer is the document's error.
    expectMatchesContract('GET', '/chain', status, body);
    expect(body).toEqual({ error: expect.any(String) });
  });
});
