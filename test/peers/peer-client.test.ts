// The peer client against real servers that misbehave: one deadline covers headers and body,
// whatever the body does; a body too large is cut off by its bytes; a body we cannot write is a
// failure, not a throw.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { JsonValue } from '../../src/chain/py-json.ts';
import { toJson } from '../../src/chain/py-json.ts';
import { createPeerClient, ExchangeDeadline } from '../../src/peers/peer-client.ts';
import { readBody } from '../../src/peers/read-body.ts';
import { buildChain } from '../support/chains.ts';
import { eventually } from '../support/eventually.ts';
import { startPeerServer, within } from './peer-server.ts';

const TIMEOUT_MS = 1000;
/** Far past the deadline, yet short of jest's own timeout: a client that ignores its deadline fails here. */
const BOUND_MS = 10 * TIMEOUT_MS;

/**
 * A full garbage collection, on demand. A signal derived with AbortSignal.any (as ky's is) is held
 * only weakly by its sources: once collected, its source's abort reaches nothing. Collecting while
 * the body is read is what makes a client that relies on such a signal hang.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('one deadline covers the whole exchange', () => {
  test('a peer that sends 25 MB of /chain and then stalls gets a timeout, and its socket is closed', async () => {
    // Reading 25 MB makes V8 collect garbage, which is when a derived abort signal stops reaching the body.
    const block = toJson(buildChain(2)[1]!);
    const target = 25 * 1024 * 1024;
    let stalled = false;
    await using peer = await startPeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"chain": [${block}`);
      const many = `,${block}`.repeat(Math.ceil(65_536 / block.length));
      let written = 0;
      const pump = () => {
        while (written < target) {
          written += many.length;
          if (!res.write(many)) return void res.once('drain', pump);
        }
        stalled = true; // and never ends the response
        collectGarbage();
      };
      pump();
    });
    // Time enough to send the 25 MB on a busy machine: the timeout must come from the stall.
    const client = createPeerClient({ timeoutMs: 2 * TIMEOUT_MS });
    const reply = await within(2 * BOUND_MS, 'getChain from a stalled peer', client.getChain(peer.address));
    expect(stalled).toBe(true);
    expect(reply).toEqual({ ok: false, answered: false, reason: `GET ${peer.address}/chain: timeout after ${2 * TIMEOUT_MS} ms` });
    await eventually(() => peer.openSockets() === 0, { what: 'the stalled connection to close' });
  });

  test('a peer that never answers the headers gets a timeout', async () => {
    await using peer = await startPeerServer(() => {});
    const client = createPeerClient({ timeoutMs: TIMEOUT_MS });
    const reply = await within(BOUND_MS, 'getTip from a silent peer', client.getTip(peer.address));
    expect(reply).toEqual({ ok: false, answered: false, reason: `GET ${peer.address}/chain/tip: timeout after ${TIMEOUT_MS} ms` });
  });

  test('requests that share a deadline share one budget: the second fails once the first used most of it', async () => {
    await using peer = await startPeerServer((_req, res) => {
      setTimeout(() => res.end('{"length": 1, "hash": "x"}'), 0.6 * TIMEOUT_MS);
    });
    const client = createPeerClient({ timeoutMs: TIMEOUT_MS });
    using deadline = new ExchangeDeadline();
    expect((await client.getTip(peer.address, { deadline })).ok).toBe(true);
    const second = await within(BOUND_MS, 'the second request', client.getTip(peer.address, { deadline }));
    expect(second).toEqual({ ok: false, answered: false, reason: `GET ${peer.address}/chain/tip: timeout after ${TIMEOUT_MS} ms` });
    // Without a shared deadline, each request has a budget of its own.
    expect((await client.getTip(peer.address)).ok).toBe(true);
  });
});

describe('reading a body', () => {
  test('stops the moment its signal aborts, while waiting for a chunk that never comes, and cancels the stream', async () => {
    let cancelled = false;
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"chain": [')),
      pull: () => void pulls++, // and nothing more ever comes
      cancel: () => void (cancelled = true),
    });
    const controller = new AbortController();
    const reading = readBody(new Response(stream), 1024, controller.signal);
    await eventually(() => pulls > 0, { what: 'the reader to wait for a chunk' });
    controller.abort();
    expect(await within(BOUND_MS, 'readBody', reading)).toEqual({ ok: false, why: 'stopped' });
    expect(cancelled).toBe(true);
  });
});

describe('what a peer sends is bounded', () => {
  const MAX = 1024;

  test('a body larger than maxResponseBytes is cut off by its bytes, with no content-length to go by', async () => {
    await using peer = await startPeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length declared
      res.end(`{"chain": [], "padding": "${'x'.repeat(4 * MAX)}"}`);
    });
    const reply = await createPeerClient({ timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX }).getChain(peer.address);
    expect(reply).toEqual({ ok: false, answered: true, reason: `GET ${peer.address}/chain: response larger than ${MAX} bytes` });
  });

  test('a body that declares more than maxResponseBytes is refused before it is read', async () => {
    await using peer = await startPeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * MAX) });
      res.write('{"chain": ['); // and the rest never comes
    });
    const reply = await createPeerClient({ timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX }).getChain(peer.address);
    expect(reply).toEqual({ ok: false, answered: true, reason: `GET ${peer.address}/chain: response larger than ${MAX} bytes` });
  });

  test('an error status is a failure with that status, its body unread', async () => {
    await using peer = await startPeerServer((_req, res) => {
      res.writeHead(413, { 'content-type': 'application/json' });
      res.write('{"error": "'); // a body that never ends does not hold the answer back
    });
    const reply = await within(
      BOUND_MS,
      'post to a refusing peer',
      createPeerClient({ timeoutMs: TIMEOUT_MS }).post(peer.address, '/gossip/transactions', {}),
    );
    expect(reply).toEqual({ ok: false, answered: true, status: 413, reason: `POST ${peer.address}/gossip/transactions: HTTP 413` });
  });

  test('a redirect is not followed: a peer cannot point this node at another host', async () => {
    await using elsewhere = await startPeerServer((_req, res) => res.end('{"length": 1, "hash": "x"}'));
    await using peer = await startPeerServer((_req, res) => {
      res.writeHead(302, { location: `http://${elsewhere.address}/chain/tip` });
      res.end();
    });
    const reply = await createPeerClient({ timeoutMs: TIMEOUT_MS }).getTip(peer.address);
    expect(reply).toEqual({ ok: false, answered: true, status: 302, reason: `GET ${peer.address}/chain/tip: HTTP 302` });
    expect(elsewhere.asked).toEqual([]);
  });
});

describe('a body that cannot be written', () => {
  test('is a failure naming the request, not a throw, and nothing is sent', async () => {
    await using peer = await startPeerServer((_req, res) => res.end('{}'));
    // Too deep for the writer's stack: a RangeError, as a body past V8's string limit gives.
    const cyclic: { [key: string]: JsonValue } = {};
    cyclic.self = cyclic;
    const client = createPeerClient({ timeoutMs: TIMEOUT_MS });
    const reply = await client.post(peer.address, '/gossip/blocks', cyclic);
    expect(reply).toMatchObject({ ok: false, answered: false });
    expect(reply.ok || reply.reason).toMatch(new RegExp(`^POST ${peer.address}/gossip/blocks: cannot write the body as JSON \\(.+\\)$`));
    expect(peer.asked).toEqual([]);
  });
});
