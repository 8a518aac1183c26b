import Router from '@koa/router';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceTextModule } from 'node:vm';
import Koa from 'koa';
import { hashBlock } from '../../src/chain/hash.ts';
import type { NodeEvents } from '../../src/node/node-events.ts';
import { openEventStream } from '../../src/explorer/event-stream.ts';
import { pageDir, PAGE_FILES, pageRoutes, readPage } from '../../src/explorer/page-files.ts';
import { errorHandler } from '../../src/http/errors.ts';
import { serve } from '../support/apps.ts';
import { eventually } from '../support/eventually.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';
import { openEvents } from './event-reader.ts';

type TestNode = Awaited<ReturnType<typeof startTestNode>>;

const EVENT_NAMES: readonly (keyof NodeEvents)[] = ['mined', 'appended', 'replaced', 'transaction', 'peers', 'peerFailure'];
const listenerCounts = (node: TestNode) => EVENT_NAMES.map((name) => node.node.events.listenerCount(name));

/** An id the node gave a transaction. */
const TRANSACTION_ID = expect.stringMatching(/^[0-9a-f]{32}$/);

/**
 * GET `path` sent exactly as written, dots and escapes and all, with only the headers given: fetch
 * resolves dots before it asks, and adds `cache-control: no-cache` to a conditional request.
 */
async function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status?: number; etag?: string; body: string }> {
  const { hostname, port } = new URL(base);
  const req = request({ hostname, port, path, headers });
  req.end();
  const [response] = (await once(req, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return { status: response.statusCode, etag: response.headers.etag, body };
}

describe('the explorer', () => {
  const nodes: TestNode[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const node = await startTestNode(env);
    nodes.push(node);
    return node;
  };
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close()));
  });

  test('GET / serves the page as HTML, with its modules and style sheet; other paths still 404', async () => {
    const node = await start();
    const page = await fetch(`${node.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("require-trusted-types-for 'script'");
    expect(policy).not.toContain('unsafe');
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<script type="module" src="/explorer/explorer.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/explorer/explorer.css" />');
    expect(html).toContain('id="network"');

    // Every module the page loads, following imports as the browser does: each is served, as JavaScript, and parses.
    const sources = new Map<string, string>();
    const load = async (path: string): Promise<void> => {
      if (sources.has(path)) return;
      const response = await fetch(`${node.url}${path}`);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type: 'text/javascript; charset=utf-8',
      });
      const source = await response.text();
      sources.set(path, source);
      expect(() => new SourceTextModule(source)).not.toThrow();
      for (const [, specifier] of source.matchAll(/^import .* from '([^']+)';$/gm))
        await load(new URL(specifier!, `http://page${path}`).pathname);
    };
    await load('/explorer/explorer.js');
    // Nothing is served that the page does not load, and nothing sits in its folder unserved.
    expect([...sources.keys()].sort()).toEqual(
      PAGE_FILES.filter(({ path }) => path.endsWith('.js'))
        .map(({ path }) => path)
        .sort(),
    );
    expect(readdirSync(pageDir()).sort()).toEqual(PAGE_FILES.map(({ file }) => file).sort());
    const script = [...sources.values()].join('\n');
    expect(script).toContain("new EventSource('/events')");
    expect(script).not.toContain('innerHTML');
    // Every event /events sends has a handler on the page.
    for (const name of ['snapshot', ...EVENT_NAMES]) expect(script).toMatch(new RegExp(`^  ${name}\\(data\\) \\{$`, 'm'));

    const style = await fetch(`${node.url}/explorer/explorer.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await style.text()).toContain('.network');

    for (const path of [
      '/nope',
      '/explorer/nope.js',
      '/index.html',
      '/explorer/index.html',
      '/explorer/page-files.ts',
      '/explorer/page/dom.js',
    ]) {
      const { status, body } = await call(`${node.url}${path}`);
      expect({ path, status, error: body.error }).toEqual({ path, status: 404, error: `no route for GET ${path}` });
    }
    // Sent as they are: fetch would resolve the dots before asking.
    for (const path of [
      '/explorer/../page-files.ts',
      '/explorer/..%2fpage-files.ts',
      '/explorer/%2e%2e/routes.ts',
      '/explorer/explorer.js/../../package.json',
    ]) {
      expect({ path, status: (await rawGet(node.url, path)).status }).toEqual({ path, status: 404 });
    }
    const { status, body } = await call(`${node.url}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect({ status, body }).toEqual({ status: 405, body: { error: expect.stringMatching(/POST is not allowed on \//) } });
  });

  test("the page's files are revalidated on every load, and a browser that has them gets 304", async () => {
    const node = await start();
    const first = await fetch(`${node.url}/explorer/dom.js`);
    const etag = first.headers.get('etag');
    expect({ cache: first.headers.get('cache-control'), etag, nosniff: first.headers.get('x-content-type-options') }).toEqual({
      cache: 'no-cache',
      etag: expect.stringMatching(/^"[\w-]{27}"$/),
      nosniff: 'nosniff',
    });
    const again = await rawGet(node.url, '/explorer/dom.js', { 'if-none-match': etag! });
    expect(again).toEqual({ status: 304, etag, body: '' });
    const other = await rawGet(node.url, '/explorer/network.js', { 'if-none-match': etag! });
    expect(other).toEqual({ status: 200, etag: expect.any(String), body: expect.stringContaining('export async function refreshNetwork') });
    expect(other.etag).not.toBe(etag);
  });

  test('GET /events sends a snapshot, then an event per transaction and per mined block', async () => {
    const node = await start({ NODE_ID: 'node-a' });
    const events = await openEvents(`${node.url}/events`);
    try {
      expect(events.response.status).toBe(200);
      expect(events.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(events.response.headers.get('cache-control')).toBe('no-cache, no-transform');

      const snapshot = await events.next();
      expect(snapshot.event).toBe('snapshot');
      expect(snapshot.data).toEqual({
        node_id: 'node-a',
        mode: {
          gossip: false,
          sync_interval_ms: 0,
          pow_rule: 'notebook',
          tx_rule: 'open',
          miner_address: expect.any(String),
          difficulty: 4,
        },
        length: 1,
        blocks: [{ hash: hashBlock(node.node.chain[0]!), block: expect.objectContaining({ index: 1, proof: 100, previous_hash: 1 }) }],
        pending: [],
        pending_count: 0,
        peers: [],
      });
      // Block data is written by py-json, so the genesis timestamp stays a float.
      expect(snapshot.raw).toContain('"timestamp":1506988800.0');

      await call(`${node.url}/transactions/new`, {
        body: '{"sender":"a","recipient":"b","amount":5.0}',
        headers: { 'content-type': 'application/json' },
      });
      const transaction = await events.next();
      expect(transaction).toMatchObject({
        event: 'transaction',
        data: { transaction: { sender: 'a', recipient: 'b', amount: 5, id: TRANSACTION_ID }, pending_count: 1 },
      });
      expect(transaction.raw).toContain('"amount":5.0');

      await call(`${node.url}/mine`);
      const mined = await events.next();
      expect(mined.event).toBe('mined');
      expect(mined.data).toEqual({
        block: { hash: hashBlock(node.node.chain[1]!), block: expect.objectContaining({ index: 2, proof: 35293 }) },
        length: 2,
        mining_ms: expect.any(Number),
        pending: [],
        pending_count: 0,
      });
      expect(mined.data.block.block.transactions).toEqual([
        { sender: 'a', recipient: 'b', amount: 5, id: transaction.data.transaction.id },
        { sender: '0', recipient: 'node-a', amount: 1 },
      ]);
    } finally {
      events.close();
    }
  });

  test('GET /events reports peers, and an adopted chain as replaced with what it dropped and returned', async () => {
    const [a, b] = [await start({ NODE_ID: 'a' }), await start({ NODE_ID: 'b' })];
    await call(`${a.url}/mine`);
    await call(`${a.url}/mine`);
    // B mines a block of its own, which A's longer chain will replace.
    await call(`${b.url}/transactions/new`, { json: { sender: 'b', recipient: 'c', amount: 2, id: 'tx-b' } });
    await call(`${b.url}/mine`);
    const ownBlock = hashBlock(b.node.chain[1]!);
    const events = await openEvents(`${b.url}/events`);
    try {
      expect((await events.next()).event).toBe('snapshot');
      await call(`${b.url}/nodes/register`, { json: { nodes: [a.address] } });
      expect(await events.next()).toMatchObject({ event: 'peers', data: { peers: [{ node: a.address, reachable: null, length: null }] } });

      await call(`${b.url}/nodes/resolve`);
      const replaced = await events.next();
      expect(replaced.event).toBe('replaced');
      expect(replaced.data).toMatchObject({
        peer: a.address,
        from: 2,
        length: 3,
        dropped: [{ index: 2, hash: ownBlock }],
        dropped_count: 1,
        returned_count: 1,
        pending: [{ sender: 'b', recipient: 'c', amount: 2, id: 'tx-b' }],
        pending_count: 1,
      });
      expect(replaced.data.blocks.map((b: { hash: string }) => b.hash)).toEqual(a.node.chain.map((block) => hashBlock(block)));
      expect(await events.next()).toMatchObject({ event: 'peers', data: { peers: [{ node: a.address, reachable: true, length: 3 }] } });
    } finally {
      events.close();
    }
  });

  test('GET /events reports a block announced by a peer as appended, without a resolve', async () => {
    const b = await start({ NODE_ID: 'b' });
    // A gossips: what it pools and mines, it passes on to B by itself. It syncs only when told.
    const a = await start({ NODE_ID: 'a', GOSSIP: 'on', SYNC_INTERVAL_MS: '0', PEERS: b.address });
    // A introduces itself to B (as HOST:port): done before B's events are read, so none comes in between.
    await eventually(() => b.node.peers.includes(a.address));
    const events = await openEvents(`${b.url}/events`);
    try {
      expect((await events.next()).event).toBe('snapshot');
      await call(`${a.url}/transactions/new`, { json: { sender: 'a', recipient: 'b', amount: 3, id: 'tx-a' } });
      expect(await events.next()).toMatchObject({ event: 'transaction', data: { transaction: { id: 'tx-a' }, pending_count: 1 } });

      await call(`${a.url}/mine`);
      const appended = await events.next();
      expect(appended.event).toBe('appended');
      expect(appended.data).toEqual({
        block: { hash: hashBlock(a.node.chain[1]!), block: expect.objectContaining({ index: 2 }) },
        length: 2,
        pending: [],
        pending_count: 0,
      });
      expect(appended.data.block.block.transactions).toEqual([
        { sender: 'a', recipient: 'b', amount: 3, id: 'tx-a' },
        { sender: '0', recipient: 'a', amount: 1 },
      ]);
      expect(b.node.chain.map((block) => hashBlock(block))).toEqual(a.node.chain.map((block) => hashBlock(block)));
    } finally {
      events.close();
    }
  });

  test('a client that disconnects leaves no listener behind, and the node carries on', async () => {
    const node = await start();
    const before = listenerCounts(node);
    const clients = await Promise.all([1, 2, 3].map(() => openEvents(`${node.url}/events`)));
    await Promise.all(clients.map((client) => client.next()));
    // One listener for every page: the explorer listens to the node once (see event-broadcast.test.ts).
    expect(listenerCounts(node)).toEqual(before.map((count) => count + 1));

    clients.forEach((client) => client.close());
    await eventually(() => listenerCounts(node).every((count, i) => count === before[i]));
    expect((await call(`${node.url}/mine`)).status).toBe(200);
    expect((await call(`${node.url}/transactions/new`, { json: { sender: 'a', recipient: 'b', amount: 1 } })).status).toBe(201);
  });

  test('GET /network lists this node and each peer with its chain; a dead peer is unreachable', async () => {
    const [a, b] = [await start({ NODE_ID: 'a' }), await start({ NODE_ID: 'b' })];
    const dead = await startFakePeer(() => {});
    await dead.close();
    await call(`${a.url}/mine`);
    await call(`${b.url}/nodes/register`, { json: { nodes: [a.address, dead.address] } });

    const links = (node: TestNode) => node.node.chain.map((block, i) => ({ index: i + 1, hash: hashBlock(block) }));
    const { status, body } = await call(`${b.url}/network`);
    expect(status).toBe(200);
    expect(body).toEqual({
      nodes: [
        { node: 'b', self: true, node_id: 'b', address: b.address, reachable: true, length: 1, chain: links(b), error: null },
        { node: a.address, self: false, node_id: 'a', address: a.address, reachable: true, length: 2, chain: links(a), error: null },
        {
          node: dead.address,
          self: false,
          node_id: null,
          address: dead.address,
          reachable: false,
          length: null,
          chain: [],
          // Never answered validly: one reason, whatever failed (else GET /network scans ports).
          error: `GET ${dead.address}/chain/tip: no valid answer yet`,
        },
      ],
    });

    const tail = await call(`${b.url}/network?last=1`);
    expect(tail.body.nodes.map((n: { length: number | null; chain: unknown[] }) => [n.length, n.chain])).toEqual([
      [1, links(b)],
      [2, links(a).slice(-1)],
      [null, []],
    ]);
    for (const last of ['0', 'x', '-1', '1.5']) {
      const bad = await call(`${b.url}/network?last=${last}`);
      expect({ last, status: bad.status, error: bad.body.error }).toEqual({
        last,
        status: 400,
        error: expect.stringMatching(/^last must be a whole number/),
      });
    }
  });

  test('GET /network reports a peer that answers something other than a chain', async () => {
    const node = await start();
    const odd = await startFakePeer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello": "world"}'));
    try {
      await call(`${node.url}/nodes/register`, { json: { nodes: [odd.address] } });
      const { body } = await call(`${node.url}/network`);
      expect(body.nodes[1]).toEqual({
        node: odd.address,
        self: false,
        node_id: null,
        address: odd.address,
        // Shown like any peer that never answered validly: what listens there is not told.
        reachable: false,
        length: null,
        chain: [],
        error: `GET ${odd.address}/chain/tip: no valid answer yet`,
      });
    } finally {
      await odd.close();
    }
  });
});

describe('a peer that goes down, as the explorer shows it', () => {
  test('GET /network and GET /nodes give one standing for it, and the page hears of it as a peers event', async () => {
    const [a, b] = [await startTestNode({ NODE_ID: 'a' }), await startTestNode({ NODE_ID: 'b' })];
    let aDown = false;
    try {
      await call(`${b.url}/nodes/register`, { json: { nodes: [a.address] } });
      await call(`${b.url}/nodes/resolve`);
      expect((await call(`${b.url}/nodes`)).body.nodes).toEqual([
        expect.objectContaining({ node: a.address, node_id: 'a', reachable: true }),
      ]);
      await a.close();
      aDown = true;

      const events = await openEvents(`${b.url}/events`);
      try {
        expect((await events.next()).event).toBe('snapshot');
        // No sync runs (GOSSIP=off): what the network view learns is all that tells B that A is down.
        const member = (await call(`${b.url}/network`)).body.nodes[1];
        const { nodes } = (await call(`${b.url}/nodes`)).body;
        expect(member).toMatchObject({
          node: a.address,
          node_id: 'a',
          reachable: false,
          error: expect.stringMatching(/^GET \S+\/chain\/tip: unreachable \(/),
        });
        expect(nodes).toEqual([
          expect.objectContaining({
            node: a.address,
            node_id: 'a',
            reachable: false,
            last_error: member.error,
            down_since: expect.any(Number),
          }),
        ]);
        expect(await events.next()).toMatchObject({
          event: 'peers',
          data: { peers: [{ node: a.address, reachable: false, last_error: member.error }] },
        });
      } finally {
        events.close();
      }
    } finally {
      await Promise.all([aDown ? undefined : a.close(), b.close()]);
    }
  });

  test('GET /health says how the node takes part in the network', async () => {
    const node = await startTestNode({ GOSSIP: 'on', SYNC_INTERVAL_MS: '1500', POW_RULE: 'linked', TX_RULE: 'signed', DIFFICULTY: '3' });
    try {
      expect((await call(`${node.url}/health`)).body.mode).toEqual({
        gossip: true,
        sync_interval_ms: 1500,
        pow_rule: 'linked',
        tx_rule: 'signed',
        miner_address: node.node.minerAddress,
        difficulty: 3,
      });
    } finally {
      await node.close();
    }
  });
});

describe('openEventStream', () => {
  test('keeps an idle stream alive with comments, and cleans up when the client leaves', async () => {
    let cleanedUp = false;
    const app = new Koa();
    app.on('error', () => {}); // the client hanging up ends the stream with a premature close
    app.use((ctx) => {
      const stream = openEventStream(ctx, { keepAliveMs: 30, maxBufferedBytes: 65_536 });
      stream.send('hello', { n: 1 });
      stream.onClose(() => (cleanedUp = true));
    });
    const server = await serve(app);
    const events = await openEvents(`${server.url}/`);
    try {
      expect(await events.next()).toMatchObject({ event: 'hello', data: { n: 1 } });
      expect(await events.nextFrame()).toBe(': keep-alive');
      expect(await events.nextFrame()).toBe(': keep-alive');
      expect(cleanedUp).toBe(false);
      events.close();
      await eventually(() => cleanedUp);
    } finally {
      await server.close();
    }
  });
});

describe('a build that did not copy the page', () => {
  test('costs only the page: each of its files answers 500, logged with the file that is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'chainlab-page-'));
    const logged: Error[] = [];
    const app = new Koa();
    app.on('error', (error: Error) => logged.push(error));
    const router = new Router();
    pageRoutes(router, readPage(empty)); // does not throw: the node starts, and runs on
    app.use(errorHandler()).use(router.routes());
    const server = await serve(app);
    try {
      for (const path of ['/', '/explorer/explorer.js'])
        expect({ path, ...(await call(`${server.url}${path}`)) }).toMatchObject({ path, status: 500, body: { error: 'internal error' } });
      expect(logged.map((error) => error.message)).toEqual(
        Array(2).fill(
          expect.stringMatching(
            /^the explorer page cannot be served: ENOENT.*index\.html.*\(npm run build copies src\/explorer\/page to dist\/explorer\/page\)$/,
          ),
        ),
      );
    } finally {
      await server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
