import { toJson } from '../../src/chain/py-json.ts';
import { NODE_ID_HEADER } from '../../src/peers/peer-client.ts';
import { buildChain } from '../support/chains.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';
import { seededRandom } from '../support/random.ts';

type TestNode = Awaited<ReturnType<typeof startTestNode>>;
const TX = { sender: 'd4ee26eee15148ee92c6cd394edd974e', recipient: 'someone-other-address', amount: 5 };

describe('the notebook API, in-process', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startTestNode({ NODE_ID: 'node-a', MAX_BODY_BYTES: '2048' });
  });
  afterEach(() => node.close());

  const chainOf = async () => (await call(`${node.url}/chain`)).body;

  test('GET /chain serves the genesis block', async () => {
    const { status, body } = await call(`${node.url}/chain`);
    expect(status).toBe(200);
    expect(body).toEqual({
      length: 1,
      chain: [{ index: 1, timestamp: expect.any(Number), transactions: [], proof: 100, previous_hash: 1 }],
    });
  });

  test('POST /transactions/new answers 201 with the block that will hold it and the id it gave', async () => {
    const { status, body } = await call(`${node.url}/transactions/new`, { json: TX });
    expect(status).toBe(201);
    expect(body).toEqual({ message: 'Transaction will be added to Block 2', id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await call(`${node.url}/transactions/pending`)).body).toEqual({ transactions: [{ ...TX, id: body.id }], length: 1 });
  });

  test('a transaction sent again with its id is recognised: stored once, 200; the same id with other content is a 409', async () => {
    const first = await call(`${node.url}/transactions/new`, { json: { ...TX, id: 'client-chosen-1' } });
    expect(first).toMatchObject({ status: 201, body: { id: 'client-chosen-1' } });
    const again = await call(`${node.url}/transactions/new`, { json: { ...TX, id: 'client-chosen-1' } });
    expect(again).toMatchObject({ status: 200, body: { message: 'Transaction client-chosen-1 is already known', id: 'client-chosen-1' } });
    const other = await call(`${node.url}/transactions/new`, { json: { ...TX, amount: 6, id: 'client-chosen-1' } });
    expect(other).toMatchObject({ status: 409, body: { error: 'transaction client-chosen-1 is already known with other content' } });
    const bad = await call(`${node.url}/transactions/new`, { json: { ...TX, id: 'no spaces' } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'id must be 1 to 64 letters, digits, - or _' } });
    expect((await call(`${node.url}/transactions/pending`)).body.length).toBe(1);

    await call(`${node.url}/mine`);
    const afterMining = await call(`${node.url}/transactions/new`, { json: { ...TX, id: 'client-chosen-1' } });
    expect(afterMining.status).toBe(200);
    expect((await call(`${node.url}/transactions/new`, { json: { ...TX, amount: 6, id: 'client-chosen-1' } })).status).toBe(409);
    expect((await call(`${node.url}/transactions/pending`)).body.length).toBe(0);
  });

  test('GET /chain?from=N serves the blocks from index N on, with the full length', async () => {
    await call(`${node.url}/mine`);
    await call(`${node.url}/mine`);
    const { chain } = await chainOf();
    expect((await call(`${node.url}/chain?from=2`)).body).toEqual({ chain: chain.slice(1), length: 3, from: 2 });
    expect((await call(`${node.url}/chain?from=4`)).body).toEqual({ chain: [], length: 3, from: 4 });
    expect((await call(`${node.url}/chain?from=1`)).body).toEqual({ chain, length: 3, from: 1 });
    for (const from of ['0', '-1', 'x', '1.5', '']) {
      expect((await call(`${node.url}/chain?from=${from}`)).status).toBe(400);
    }
  });

  test('GET /mine forges a block with the transaction and the reward last; POST works too', async () => {
    await call(`${node.url}/transactions/new`, { json: TX });
    const mined = await call(`${node.url}/mine`);
    expect(mined.status).toBe(200);
    expect(mined.body).toEqual({
      message: 'New Block Forged',
      index: 2,
      transactions: [
        { ...TX, id: expect.stringMatching(/^[0-9a-f]{32}$/) },
        { sender: '0', recipient: 'node-a', amount: 1 },
      ],
      proof: 35293, // the same proof the reference finds after 100
      previous_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const again = await call(`${node.url}/mine`, { method: 'POST' });
    expect(again.body).toMatchObject({ index: 3, proof: 35089, transactions: [{ sender: '0', recipient: 'node-a', amount: 1 }] });
    expect((await chainOf()).length).toBe(3);
  });

  test('concurrent /mine calls never produce two blocks with the same index', async () => {
    const results = await Promise.all([1, 2, 3].map(() => call(`${node.url}/mine`)));
    expect(results.map((r) => r.body.index).sort()).toEqual([2, 3, 4]);
    const { chain } = await chainOf();
    expect(chain.map((b: { index: number }) => b.index)).toEqual([1, 2, 3, 4]);
  });

  test('numbers keep their form: 5.0 stays a float and big integers stay exact', async () => {
    await call(`${node.url}/transactions/new`, {
      body: '{"sender":"a","recipient":"b","amount":5.0}',
      headers: { 'content-type': 'application/json' },
    });
    await call(`${node.url}/transactions/new`, {
      body: '{"sender":"a","recipient":"b","amount":9007199254740993}',
      headers: { 'content-type': 'application/json' },
    });
    const { text } = await call(`${node.url}/mine`);
    expect(text).toContain('"amount":5.0');
    expect(text).toContain('"amount":9007199254740993');
  });

  test('every response names the node, so a node can recognise itself among its peers', async () => {
    const response = await fetch(`${node.url}/chain`);
    expect(response.headers.get(NODE_ID_HEADER)).toBe('node-a');
    expect((await fetch(`${node.url}/nope`)).headers.get(NODE_ID_HEADER)).toBe('node-a'); // errors too
  });

  test("POST /transactions/new's 201 is written as toJson writes it, with its JSON content type", async () => {
    const response = await fetch(`${node.url}/transactions/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...TX, id: 'a-Z_9' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    expect(text).toBe(toJson({ message: JSON.parse(text).message, id: 'a-Z_9' }));
    expect(text).toMatch(/^\{"id":"a-Z_9","message":"Transaction will be added to Block \d+"\}$/);
  });

  test('GET /health reports the length, tip, genesis and peers', async () => {
    const { status, body } = await call(`${node.url}/health`);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      node_id: 'node-a',
      length: 1,
      tip_hash: body.genesis_hash,
      genesis_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      peers: [],
      peers_reachable: [],
      mode: { gossip: false, sync_interval_ms: 0, pow_rule: 'notebook', tx_rule: 'open', miner_address: expect.any(String), difficulty: 4 },
    });
  });

  describe('bad input gets a clear JSON error and changes nothing', () => {
    const json = { 'content-type': 'application/json' };
    test.each<[string, { method?: string; path: string; body?: string; headers?: Record<string, string> }, number, RegExp]>([
      [
        'a missing field',
        { path: '/transactions/new', body: '{"sender":"a","recipient":"b"}', headers: json },
        400,
        /Missing values: amount/,
      ],
      [
        'an ill-typed field',
        { path: '/transactions/new', body: '{"sender":"a","recipient":"b","amount":"5"}', headers: json },
        400,
        /amount must be a finite number/,
      ],
      ['a body that is not an object', { path: '/transactions/new', body: '[1,2]', headers: json }, 400, /Missing values/],
      ['invalid JSON', { path: '/transactions/new', body: '{"sender": "a",', headers: json }, 400, /invalid JSON/],
      ['an empty body', { path: '/transactions/new', body: '', headers: json }, 400, /invalid JSON/],
      [
        'a body without a JSON content type',
        { path: '/transactions/new', body: JSON.stringify(TX) },
        400,
        /Content-Type: application\/json/,
      ],
      [
        'a body that fails to decompress',
        { path: '/transactions/new', body: 'not gzip', headers: { ...json, 'content-encoding': 'gzip' } },
        400,
        /unreadable body/,
      ],
      [
        'a body in an unknown encoding',
        { path: '/transactions/new', body: '{}', headers: { ...json, 'content-encoding': 'rot13' } },
        415,
        /Unsupported/i,
      ],
      [
        'an oversized body',
        { path: '/transactions/new', body: JSON.stringify({ ...TX, memo: 'x'.repeat(4096) }), headers: json },
        413,
        /too large/,
      ],
      ['an unknown route', { path: '/nope' }, 404, /no route for GET \/nope/],
      ['a wrong method', { method: 'GET', path: '/transactions/new' }, 405, /GET is not allowed on \/transactions\/new/],
      ['a wrong method on /chain', { method: 'DELETE', path: '/chain' }, 405, /allowed: HEAD, GET/],
      ['a method nobody knows', { method: 'PROPFIND', path: '/chain' }, 405, /not allowed/],
      ['nodes missing', { path: '/nodes/register', body: '{}', headers: json }, 400, /Please supply a valid list of nodes/],
      [
        'nodes not a list',
        { path: '/nodes/register', body: '{"nodes":"node2:5000"}', headers: json },
        400,
        /Please supply a valid list of nodes/,
      ],
      [
        'a node that is not an address',
        { path: '/nodes/register', body: '{"nodes":["http://ok:5000","node2"]}', headers: json },
        400,
        /nodes\[1\]: expected http:\/\/host:port or host:port/,
      ],
      [
        'a node that is not a string',
        { path: '/nodes/register', body: '{"nodes":[5000]}', headers: json },
        400,
        /nodes\[0\] must be a string/,
      ],
    ])('%s', async (_name, request, status, message) => {
      const before = await chainOf();
      const { status: actual, body } = await call(`${node.url}${request.path}`, {
        method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
        body: request.body,
        headers: request.headers,
      });
      expect(actual).toBe(status);
      expect(body.error).toMatch(message);
      expect(await chainOf()).toEqual(before);
      expect((await call(`${node.url}/health`)).body.peers).toEqual([]);
      // nothing slipped into the pool either: the next block holds only the reward
      expect((await call(`${node.url}/mine`)).body.transactions).toHaveLength(1);
    });
  });
});

describe('peers', () => {
  const nodes: TestNode[] = [];
  const fakes: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all([...nodes.splice(0), ...fakes.splice(0)].map((n) => n.close()));
  });
  const start = async (env: Record<string, string> = {}) => {
    const node = await startTestNode(env);
    nodes.push(node);
    return node;
  };
  const fake = async (listener: Parameters<typeof startFakePeer>[0]) => {
    const peer = await startFakePeer(listener);
    fakes.push(peer);
    return peer;
  };
  const serveChain = (chain: unknown[], delayMs = 0) =>
    fake((_req, res) => {
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end(toJson({ chain: chain as never, length: chain.length })),
        delayMs,
      );
    });

  test('register accepts URLs and host:port, keeps order, and never registers the node itself', async () => {
    const node = await start();
    const port = node.address.split(':')[1];
    const { status, body } = await call(`${node.url}/nodes/register`, {
      json: { nodes: ['http://node2:5000', 'node3:5000', `http://localhost:${port}`, 'NODE2:5000'] },
    });
    expect(status).toBe(201);
    expect(body).toEqual({
      message: 'New nodes have been added',
      total_nodes: ['node2:5000', 'node3:5000'],
      ignored: [{ node: `localhost:${port}`, reason: 'this node itself' }],
    });
  });

  test('GET /nodes lists each registered peer, unknown until first asked', async () => {
    const node = await start({ PEERS: 'node2:5000' });
    expect((await call(`${node.url}/nodes`)).body).toEqual({
      nodes: [{ node: 'node2:5000', node_id: null, reachable: null, last_seen: null, down_since: null, length: null, last_error: null }],
    });
  });

  test('PEERS are registered at start', async () => {
    const node = await start({ PEERS: 'node2:5000, http://node3:5000' });
    expect((await call(`${node.url}/health`)).body.peers).toEqual(['node2:5000', 'node3:5000']);
  });

  test('resolve adopts a longer valid chain and answers like the reference', async () => {
    const [a, b] = [await start({ NODE_ID: 'a' }), await start({ NODE_ID: 'b' })];
    await call(`${a.url}/mine`);
    await call(`${a.url}/mine`);
    await call(`${b.url}/nodes/register`, { json: { nodes: [`http://${a.address}`] } });
    const resolved = await call(`${b.url}/nodes/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({ message: 'Our chain was replaced', new_chain: (await call(`${a.url}/chain`)).body.chain, skipped: [] });
    const again = await call(`${b.url}/nodes/resolve`);
    expect(again.body).toEqual({ message: 'Our chain is authoritative', chain: resolved.body.new_chain, skipped: [] });
  });

  test('among equally long chains the first registered peer wins, even when it answers last', async () => {
    const slowFirst = await serveChain(buildChain(3, { miner: 'first' }), 300);
    const fastSecond = await serveChain(buildChain(3, { miner: 'second' }));
    const node = await start();
    await call(`${node.url}/nodes/register`, { json: { nodes: [slowFirst.address, fastSecond.address] } });
    const { body } = await call(`${node.url}/nodes/resolve`);
    expect(body.message).toBe('Our chain was replaced');
    expect(body.new_chain[2].transactions[1].recipient).toBe('first');
  });

  test('a down, slow or garbage-serving peer is skipped with a reason, and the others still count', async () => {
    const good = await serveChain(buildChain(3));
    const garbage = await fake((_req, res) => res.writeHead(200).end('{"chain": [1, 2'));
    const hanging = await fake(() => {});
    const failing = await fake((_req, res) => res.writeHead(500).end('oops'));
    const tampered = buildChain(4);
    (tampered[1]!.transactions as { amount: number }[])[0]!.amount = 1000;
    const liar = await serveChain(tampered);
    const down = await fake(() => {});
    await down.close();
    fakes.splice(fakes.indexOf(down), 1);

    const node = await start({ PEER_TIMEOUT_MS: '500' });
    const peers = [garbage, hanging, failing, liar, down, good].map((p) => p.address);
    await call(`${node.url}/nodes/register`, { json: { nodes: peers } });
    const { status, body } = await call(`${node.url}/nodes/resolve`);
    expect(status).toBe(200);
    expect(body.message).toBe('Our chain was replaced');
    expect(body.new_chain).toHaveLength(3);
    // Peers that never gave a valid answer get one reason, whatever failed: else registering any
    // host:port would tell a client what listens there (the exact reasons go to the log).
    const noValidAnswer = (peer: { address: string }) => `GET ${peer.address}/chain/tip: no valid answer yet`;
    expect(body.skipped).toEqual([
      { node: garbage.address, reason: noValidAnswer(garbage) },
      { node: hanging.address, reason: noValidAnswer(hanging) },
      { node: failing.address, reason: noValidAnswer(failing) },
      { node: liar.address, reason: 'invalid chain: block 3: previous_hash does not match the hash of block 2' },
      { node: down.address, reason: noValidAnswer(down) },
    ]);

    // What the node learned of each peer: whether it answered at all, and what was wrong.
    const { body: known } = await call(`${node.url}/nodes`);
    const statusOf = (peer: { address: string }) => known.nodes.find((n: { node: string }) => n.node === peer.address);
    expect(statusOf(good)).toEqual({
      node: good.address,
      node_id: null,
      reachable: true,
      last_seen: expect.any(Number),
      down_since: null,
      length: 3,
      last_error: null,
    });
    // Until a peer has answered validly, it is shown the same however it failed.
    for (const peer of [garbage, failing, hanging, down]) {
      expect(statusOf(peer)).toEqual({
        node: peer.address,
        node_id: null,
        reachable: false,
        last_seen: null,
        down_since: expect.any(Number),
        length: null,
        last_error: noValidAnswer(peer),
      });
    }
    expect(statusOf(liar)).toMatchObject({ reachable: true, length: 4, last_error: expect.stringMatching(/^invalid chain/) });
    expect((await call(`${node.url}/health`)).body.peers_reachable).toEqual([liar, good].map((p) => p.address));
  });

  test('a peer that turns out to be this node is dropped', async () => {
    const node = await start({ NODE_ID: 'me', HOST: '0.0.0.0' });
    // 127.0.0.2 is this machine too, under a name the node cannot know in advance.
    await call(`${node.url}/nodes/register`, { json: { nodes: [`127.0.0.2:${node.address.split(':')[1]}`] } });
    const { body } = await call(`${node.url}/nodes/resolve`);
    expect(body.message).toBe('Our chain is authoritative');
    expect((await call(`${node.url}/health`)).body.peers).toEqual([]);
  });

  test('a peer registered under two names (an IP and a host name) is kept once, under the first', async () => {
    const peer = await start({ NODE_ID: 'peer', HOST: '0.0.0.0' });
    const node = await start();
    const port = peer.address.split(':')[1];
    await call(`${node.url}/nodes/register`, { json: { nodes: [`127.0.0.1:${port}`, `localhost:${port}`] } });
    const { body } = await call(`${node.url}/nodes/resolve`);
    expect(body).toMatchObject({ message: 'Our chain is authoritative', skipped: [] });
    expect((await call(`${node.url}/health`)).body.peers).toEqual([`127.0.0.1:${port}`]);
    // The other name stays known as the same node: registering it again changes nothing.
    await call(`${node.url}/nodes/register`, { json: { nodes: [`localhost:${port}`] } });
    expect((await call(`${node.url}/health`)).body.peers).toEqual([`127.0.0.1:${port}`]);
  });
});

describe('mining runs off the event loop', () => {
  test('at DIFFICULTY 6, /chain keeps answering while /mine is still searching', async () => {
    await using node = await startTestNode({ DIFFICULTY: '6', MINING_THREADS: '1' });
    let mined = false;
    const mining = call(`${node.url}/mine`).then(
      () => (mined = true),
      () => undefined,
    );
    for (let i = 0; i < 5; i++) {
      const { status, body } = await call(`${node.url}/chain`);
      expect(status).toBe(200);
      expect(body.length).toBe(1);
    }
    // The first proof at difficulty 6 after 100 is 49,259,370: many seconds of hashing away.
    expect(mined).toBe(false);
    void mining;
  });
});

describe('no input makes the node answer 5xx', () => {
  test('a few hundred random requests all get a 2xx or 4xx with a JSON body', async () => {
    await using node = await startTestNode({ MAX_BODY_BYTES: '4096' });
    const random = seededRandom(20261124);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const bodies = [
      '',
      '{',
      '{}',
      '[]',
      'null',
      '"x"',
      '{"nodes": [1, "a:1", null]}',
      '{"sender": "a", "recipient": "b", "amount": 1e999}',
      '{"sender": {"a": 1}, "recipient": [], "amount": true}',
      '{"nodes": {"length": 3}}',
      '\u0000\u00ff',
      '[[[[[[[[[[',
      '{"a": "\\ud800"}',
      'x'.repeat(5000),
    ];
    for (let i = 0; i < 300; i++) {
      const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      const path = pick([
        '/transactions/new',
        '/nodes/register',
        '/chain',
        '/health',
        '/',
        '/chain?length=-1',
        '/nodes',
        '/%ff',
        '/transactions/new/',
      ]);
      const withBody = method !== 'GET';
      const headers = withBody
        ? {
            'content-type': pick([
              'application/json',
              'text/plain',
              'application/json; charset=utf-8',
              'application/x-www-form-urlencoded',
            ]),
          }
        : undefined;
      const { status, body, text } = await call(`${node.url}${path}`, { method, body: withBody ? pick(bodies) : undefined, headers });
      expect({ method, path, status: status < 500 }).toEqual({ method, path, status: true });
      // GET / is the explorer's page; every other answer is JSON.
      if (method === 'GET' && path === '/') expect(text).toMatch(/^<!doctype html>/);
      else expect(body).toEqual(expect.any(Object));
    }
  });
});
