// The transaction lane answers POST /transactions/new's plain requests without Koa. Whoever answers a
// request, its answer, its log line and its metrics must be the same: every request here goes to two
// identical nodes, one served by the app alone and one by the server's listener (lane in front), and
// the two must agree. Which requests the lane takes is checked on its own, so that the agreement is
// not that of two Koa apps.
import Koa from 'koa';
import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createRequestListener } from '../../src/http/app.ts';
import { transactionLane } from '../../src/http/transaction-lane.ts';
import { requestRecorder, type RequestRecorder } from '../../src/http/request-log.ts';
import type { Logger } from '../../src/log/log.ts';
import type { ChainStore } from '../../src/store/chain-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { brokenDisk } from '../support/stores.ts';
import { eventually } from '../support/eventually.ts';
import { capturingLogger, createTestApp, serve, serveListener } from '../support/apps.ts';

interface Sent {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent in chunks, with no Content-Length. */
  chunked?: boolean;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request as written, by node:http, so that no client adds headers of its own (fetch adds Sec-Fetch-Mode). */
function send(
  url: string,
  { method = 'POST', path = '/transactions/new', headers = {}, body = '', chunked = false }: Sent,
): Promise<Answer> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const all = { 'content-type': 'application/json', ...headers, ...(chunked ? {} : { 'content-length': String(bytes.length) }) };
    const req = request({ hostname, port, method, path, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (chunked) for (let i = 0; i < bytes.length; i += 7) req.write(bytes.subarray(i, i + 7));
    else req.write(bytes);
    req.end();
  });
}

const tx = (recipient: string, more: Record<string, unknown> = {}) => JSON.stringify({ sender: 'a', recipient, amount: 5, ...more });

/**
 * What two answers to one request may differ in: the date, the ids each node drew at random (the
 * request's, a transaction's 32 hex digits) and the port each server listens on.
 */
function comparable({ status, headers, body }: Answer) {
  const { date, ...rest } = headers;
  void date;
  const id = rest['x-request-id'];
  const sameBody = body.replace(/"id":"[0-9a-f]{32}"/, '"id":"drawn"').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:port');
  return { status, body: sameBody, headers: { ...rest, 'x-request-id': id === 'caller-1' ? id : typeof id } };
}

/** A log line without what differs between two runs of one request: the time, the id drawn, the milliseconds. */
function comparableLine(line: Record<string, unknown>) {
  const { req_id, ms, msg, err, ...rest } = line;
  for (const drawn of ['time', 'pid', 'hostname']) delete rest[drawn];
  const error = err as { message?: unknown; type?: unknown } | undefined;
  return {
    ...rest,
    req_id: req_id === 'caller-1' ? req_id : typeof req_id,
    ms: typeof ms,
    msg: typeof msg === 'string' ? msg.replace(/ [\d.]+ms$/, ' Nms') : msg,
    err: error === undefined ? undefined : { type: error.type, message: error.message },
  };
}

/** The request counts of the app's histogram, as GET /metrics lists them. */
const requestCounts = (metrics: string) =>
  metrics.split('\n').filter((line) => line.startsWith('chainlab_http_request_duration_seconds_count'));

/** Every context Koa makes: one per request that reaches an app. */
const koaContexts = jest.spyOn(Koa.prototype, 'createContext');

/** Two nodes built alike, one served by the app alone, one by the server's listener. */
async function twins(
  options: { store?: () => ChainStore; limits?: { maxPending?: number; maxPendingBytes?: number }; level?: 'info' | 'debug' } = {},
) {
  const build = () => {
    const captured = capturingLogger(options.level ?? 'info');
    const built = createTestApp({ log: captured.log, store: options.store?.() ?? new MemoryStore(), limits: options.limits });
    return { ...built, lines: captured.lines };
  };
  const koa = build();
  const lane = build();
  const koaServer = await serve(koa.app);
  const laneServer = await serveListener(createRequestListener(lane.deps));
  return {
    koa: { ...koa, url: koaServer.url },
    lane: { ...lane, url: laneServer.url },
    /**
     * Sends `sent` to both and expects the same answer, and the lane twin's request to have been
     * answered by `by`: the lane, or the app behind it (seen by Koa making a context for it).
     */
    async both(sent: Sent, by: 'lane' | 'app'): Promise<Answer> {
      const fromKoa = await send(koaServer.url, sent);
      const contexts = koaContexts.mock.calls.length;
      const fromLane = await send(laneServer.url, sent);
      expect({ path: sent.path, by: koaContexts.mock.calls.length > contexts ? 'app' : 'lane' }).toEqual({ path: sent.path, by });
      expect(comparable(fromLane)).toEqual(comparable(fromKoa));
      return fromLane;
    },
    async close() {
      await Promise.all([koaServer.close(), laneServer.close()]);
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}

describe('the lane answers as the app does', () => {
  test('every kind of transaction request, in turn: answers, log lines and metrics agree', async () => {
    await using pair = await twins({ limits: { maxPending: 3 } });
    const caller = { 'x-request-id': 'caller-1' };
    const cases: [Sent, number, 'lane' | 'app'][] = [
      [{ body: tx('b') }, 201, 'lane'],
      [{ body: tx('c', { id: 'tx-1' }), headers: caller }, 201, 'lane'],
      [{ body: tx('c', { id: 'tx-1' }) }, 200, 'lane'], // known
      [{ body: tx('d', { id: 'tx-1' }) }, 409, 'lane'], // one id, other content
      [{ body: '{"sender": "a", "recipient": ' }, 400, 'lane'], // not JSON
      [{ body: '{"sender": "a"}' }, 400, 'lane'], // no recipient, no amount
      [{ body: tx('e'), headers: { 'x-request-id': 'not sane!' } }, 201, 'lane'],
      [{ body: tx('f') }, 429, 'lane'], // the pool holds 3
      [{ body: tx('g'), headers: { 'content-type': 'text/plain' } }, 400, 'app'],
      [{ body: 'x'.repeat(5000) }, 413, 'app'], // past maxBodyBytes (4096)
    ];
    for (const [sent, status, by] of cases) expect((await pair.both(sent, by)).status).toBe(status);
    expect(pair.lane.lines.map(comparableLine)).toEqual(pair.koa.lines.map(comparableLine));
    expect(pair.lane.lines).toHaveLength(cases.length);
    const metrics = async (url: string) => requestCounts((await send(url, { method: 'GET', path: '/metrics' })).body);
    expect(await metrics(pair.lane.url)).toEqual(await metrics(pair.koa.url));
    expect(await metrics(pair.lane.url)).toContain(
      'chainlab_http_request_duration_seconds_count{method="POST",route="/transactions/new",status="201"} 3',
    );
  });

  test.each<[string, Sent, number]>([
    ['from a page of another site (Origin)', { body: tx('b'), headers: { origin: 'http://evil.example' } }, 403],
    ['from a page of another site (Sec-Fetch-Site)', { body: tx('b'), headers: { 'sec-fetch-site': 'cross-site' } }, 403],
    ['from a same-site page on another port', { body: tx('b'), headers: { 'sec-fetch-site': 'same-site' } }, 403],
    ['chunked', { body: tx('b'), chunked: true }, 201],
    ['compressed', { body: gzipSync(tx('b')), headers: { 'content-encoding': 'gzip' } }, 201],
    ['with a query', { body: tx('b'), path: '/transactions/new?x=1' }, 201],
    ['with a trailing slash', { body: tx('b'), path: '/transactions/new/' }, 201],
    ['sent as GET', { method: 'GET' }, 405],
  ])('a request %s gets the same answer, from the app', async (_, sent, status) => {
    await using pair = await twins();
    expect((await pair.both(sent, 'app')).status).toBe(status);
  });

  test('a client that hangs up mid-body: the same log lines, its socket error among them', async () => {
    await using pair = await twins({ level: 'debug' });
    for (const url of [pair.koa.url, pair.lane.url]) {
      const { hostname, port } = new URL(url);
      const socket = connect(Number(port), hostname);
      socket.end('POST /transactions/new HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 57\r\n\r\n{"sen');
      socket.resume();
      await new Promise((resolve) => socket.once('close', resolve));
    }
    const requestLines = (lines: Record<string, unknown>[]) => lines.filter((line) => line.url === '/transactions/new');
    await eventually(() => requestLines(pair.koa.lines).length === 1 && requestLines(pair.lane.lines).length === 1);
    expect(pair.koa.lines.map(comparableLine)).toContainEqual(expect.objectContaining({ code: 'HPE_INVALID_EOF_STATE' }));
    expect(pair.lane.lines.map(comparableLine)).toEqual(pair.koa.lines.map(comparableLine));
  });

  test('a request pipelined behind another and cut short: its socket error is logged as the app logs it', async () => {
    await using pair = await twins({ level: 'debug' });
    const whole = tx('b');
    const head = `POST /transactions/new HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${whole.length}\r\n\r\n`;
    for (const url of [pair.koa.url, pair.lane.url]) {
      const { hostname, port } = new URL(url);
      const socket = connect(Number(port), hostname);
      socket.end(head + whole + head + whole.slice(0, -10)); // the second's socket is the first's, once it is answered
      socket.resume();
      await new Promise((resolve) => socket.once('close', resolve));
    }
    const requestLines = (lines: Record<string, unknown>[]) => lines.filter((line) => line.url === '/transactions/new');
    await eventually(() => requestLines(pair.koa.lines).length === 2 && requestLines(pair.lane.lines).length === 2);
    await eventually(() => pair.lane.lines.length === pair.koa.lines.length);
    expect(pair.koa.lines.map(comparableLine)).toContainEqual(expect.objectContaining({ code: 'HPE_INVALID_EOF_STATE' }));
    expect(pair.lane.lines.map(comparableLine)).toEqual(pair.koa.lines.map(comparableLine));
  });

  test('a store that fails: the same 503, and the lane logs it as the app does', async () => {
    await using pair = await twins({ store: brokenDisk });
    const answer = await pair.both({ body: tx('b') }, 'lane');
    expect(answer.status).toBe(503);
    expect(pair.lane.lines.map(comparableLine)).toEqual(pair.koa.lines.map(comparableLine));
  });

  test('a bug: the same bare 500, logged with its error and the request id', async () => {
    await using pair = await twins();
    for (const { node } of [pair.koa, pair.lane]) node.addTransaction = () => Promise.reject(new Error('a bug'));
    const answer = await pair.both({ body: tx('b'), headers: { 'x-request-id': 'caller-1' } }, 'lane');
    expect(answer).toMatchObject({ status: 500, body: '{"error":"internal error"}' });
    expect(pair.lane.lines.map(comparableLine)).toEqual(pair.koa.lines.map(comparableLine));
    expect(pair.lane.lines[0]).toMatchObject({ level: 50, req_id: 'caller-1', err: { message: 'a bug' } });
  });
});

describe('what the lane takes', () => {
  /** The lane before an app that only counts what reaches it. */
  async function counted({ log: given, recorder }: { log?: Logger; recorder?: (log: Logger) => RequestRecorder } = {}) {
    const { node, log: silent } = createTestApp().deps;
    const log = given ?? silent;
    let reached = 0;
    const app: RequestListener = (_req, res) => {
      reached++;
      res.writeHead(299).end();
    };
    const server = await serveListener(
      transactionLane({ node, log, maxBodyBytes: 4096, recorder: recorder?.(log) ?? requestRecorder(log) }, app),
    );
    return { server, reached: () => reached };
  }

  test('a plain JSON transaction is answered by the lane: the app never sees it', async () => {
    const { server, reached } = await counted();
    await using _ = server;
    expect((await send(server.url, { body: tx('b') })).status).toBe(201);
    expect((await send(server.url, { body: tx('b'), headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(201);
    expect(reached()).toBe(0);
  });

  test.each<[string, Sent]>([
    ['Origin', { body: tx('b'), headers: { origin: 'http://127.0.0.1' } }],
    ['Sec-Fetch-Site', { body: tx('b'), headers: { 'sec-fetch-site': 'same-origin' } }],
    ['chunked', { body: tx('b'), chunked: true }],
    ['compressed', { body: gzipSync(tx('b')), headers: { 'content-encoding': 'gzip' } }],
    ['not JSON by its type', { body: tx('b'), headers: { 'content-type': 'text/plain' } }],
    ['longer than the limit', { body: 'x'.repeat(5000) }],
    ['with a query', { body: tx('b'), path: '/transactions/new?x=1' }],
    ['another route', { body: tx('b'), path: '/gossip/transactions' }],
    ['another method', { method: 'PUT', body: tx('b') }],
  ])('%s: the app answers it', async (_, sent) => {
    const { server, reached } = await counted();
    await using _server = server;
    expect((await send(server.url, sent)).status).toBe(299);
    expect(reached()).toBe(1);
  });

  test('a bug around the answer (the log, the metrics) is logged and answered 500, and the node carries on', async () => {
    const { log, lines } = capturingLogger('info');
    const failing = (which: 'begin' | 'end') => (): RequestRecorder => {
      const real = requestRecorder(log);
      return {
        begin: (req) => (which === 'begin' ? fail('a bug in begin') : real.begin(req)),
        end: (...args) => (which === 'end' ? fail('a bug in end') : real.end(...args)),
      };
    };
    const fail = (message: string): never => {
      throw new Error(message);
    };
    for (const [which, status] of [
      ['begin', 500],
      ['end', 201],
    ] as const) {
      const { server } = await counted({ log, recorder: failing(which) });
      await using _server = server;
      expect((await send(server.url, { body: tx('b') })).status).toBe(status);
      expect((await send(server.url, { body: tx('c') })).status).toBe(status);
    }
    expect(lines.filter((line) => line.level === 50).map((line) => (line.err as { message: string }).message)).toEqual([
      'a bug in begin',
      'a bug in begin',
      'a bug in end',
      'a bug in end',
    ]);
  });
});

describe('how the lane writes', () => {
  test('the answers to requests read in one turn are written together, once every one of them is read', async () => {
    const { node, log } = createTestApp().deps;
    const lane = transactionLane({ node, log, maxBodyBytes: 4096, recorder: requestRecorder(log) }, () => undefined);
    const events: string[] = [];
    let read = 0;
    const server = createServer((req, res) => {
      const n = read++;
      events.push(`read ${n}`);
      const writeHead = res.writeHead;
      res.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
        events.push(`write ${n}`);
        return writeHead.apply(this, args);
      } as typeof writeHead;
      lane(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      let accepted = 0;
      const bothAccepted = new Promise<void>((resolve) => server.on('connection', () => ++accepted === 2 && resolve()));
      const sockets = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
      await Promise.all([...sockets.map((socket) => once(socket, 'connect')), bothAccepted]);
      await new Promise((resolve) => setImmediate(resolve));
      // Both requests whole, in one tick: the server finds both sockets readable in one poll.
      const answered = sockets.map((socket) => once(socket, 'data'));
      for (const [i, socket] of sockets.entries()) {
        const body = tx(`r${i}`);
        socket.write(
          `POST /transactions/new HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
      }
      const answers = await Promise.all(answered);
      expect(answers.map((chunk) => String(chunk).split('\r\n')[0])).toEqual(['HTTP/1.1 201 Created', 'HTTP/1.1 201 Created']);
      // Written one by one, the order would be read 0, write 0, read 1, write 1.
      expect(events).toEqual(['read 0', 'read 1', 'write 0', 'write 1']);
      for (const socket of sockets) socket.destroy();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
