import type { Context } from 'koa';
import { requestLevel, requestRecorder } from '../../src/http/request-log.ts';
import { capturingLogger, createTestApp, serve } from '../support/apps.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids and JSON logs', () => {
  test('a header the node cannot send (a node id past ASCII) is refused when the recorder is made, not on an answer', () => {
    const { log } = capturingLogger('info');
    expect(() => requestRecorder(log, undefined, { 'X-Chainlab-Node-Id': 'ノード' })).toThrow(/Invalid character/);
    expect(() => requestRecorder(log, undefined, { 'X Node': 'n1' })).toThrow(/must be a valid HTTP token/);
    expect(requestRecorder(log, undefined, { 'X-Chainlab-Node-Id': 'node-1' }).begin({ headers: {} } as never).headers).toEqual([
      'X-Request-Id',
      expect.stringMatching(UUID),
      'X-Chainlab-Node-Id',
      'node-1',
    ]);
  });

  test("one JSON line per request, with the caller's X-Request-Id echoed back", async () => {
    const { log, lines } = capturingLogger('info');
    await using node = await startTestNode({}, log);
    const response = await fetch(`${node.url}/chain?x=1`, { headers: { 'X-Request-Id': 'trace-42.a:b_c' } });
    expect(response.headers.get('x-request-id')).toBe('trace-42.a:b_c');
    await call(`${node.url}/nope`, { headers: { 'X-Request-Id': 'trace-43' } });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        req_id: 'trace-42.a:b_c',
        method: 'GET',
        url: '/chain?x=1',
        status: 200,
        ms: expect.any(Number),
        msg: expect.stringMatching(/^GET \/chain\?x=1 200 [\d.]+ms$/),
      }),
      expect.objectContaining({ level: 30, req_id: 'trace-43', method: 'GET', url: '/nope', status: 404 }),
    ]);
    expect(lines[0]!.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
  });

  test.each([
    ['absent', undefined],
    ['with a space', 'two words'],
    ['too long', 'x'.repeat(129)],
    ['with markup', '<script>'],
  ])('an X-Request-Id %s is replaced by a new UUID, in the header and the log line alike', async (_name, incoming) => {
    const { log, lines } = capturingLogger('info');
    await using node = await startTestNode({}, log);
    const response = await fetch(`${node.url}/nodes`, { headers: incoming === undefined ? {} : { 'X-Request-Id': incoming } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(lines).toEqual([expect.objectContaining({ req_id: id, url: '/nodes' })]);
  });

  test('routine polling (/chain/tip, /health, /metrics) logs at debug; every other request at info', async () => {
    const { log, lines } = capturingLogger('debug');
    await using node = await startTestNode({}, log);
    for (const path of ['/chain/tip', '/chain/tip?peer=1', '/health', '/metrics', '/chain', '/nodes', '/nope', '/health/more'])
      await call(`${node.url}${path}`);
    await fetch(`${node.url}/health`, { method: 'HEAD' });
    await call(`${node.url}/chain/tip`, { method: 'POST', json: {} });
    expect(lines.map(({ level, method, url }) => `${String(level)} ${String(method)} ${String(url)}`)).toEqual([
      '20 GET /chain/tip',
      '20 GET /chain/tip?peer=1',
      '20 GET /health',
      '20 GET /metrics',
      '30 GET /chain',
      '30 GET /nodes',
      '30 GET /nope',
      '30 GET /health/more',
      '20 HEAD /health',
      '30 POST /chain/tip',
    ]);
  });

  test('a routine route that fails is not routine: it logs at info', () => {
    const ctx = (status: number) => ({ method: 'GET', status, _matchedRoute: '/health' }) as unknown as Context;
    expect(requestLevel(ctx(200))).toBe('debug');
    expect(requestLevel(ctx(404))).toBe('debug');
    expect(requestLevel(ctx(503))).toBe('info');
  });

  test('a peer not up yet is no warning: its failure logs at debug', async () => {
    const { log, lines } = capturingLogger('debug');
    await using node = await startTestNode({ PEERS: '127.0.0.1:1' }, log);
    await call(`${node.url}/nodes/resolve`);
    const peerLines = lines.filter((line) => line.peer === '127.0.0.1:1');
    expect(peerLines).toEqual([
      expect.objectContaining({
        level: 20,
        reason: expect.stringMatching(/^GET 127\.0\.0\.1:1\/chain\/tip: unreachable \(/),
        msg: expect.stringMatching(/^peer 127\.0\.0\.1:1 skipped: GET 127\.0\.0\.1:1\/chain\/tip: unreachable \(/),
      }),
    ]);
  });

  test('a peer that answers badly gets a warn line; LOG_LEVEL warn drops the request lines but keeps it', async () => {
    const { log, lines } = capturingLogger('warn');
    await using failing = await startFakePeer((_req, res) => res.writeHead(500).end());
    await using node = await startTestNode({ PEERS: failing.address }, log);
    await call(`${node.url}/nodes/resolve`);
    await call(`${node.url}/nodes/resolve`);
    // The same bad answer again is no news.
    const reason = `GET ${failing.address}/chain/tip: HTTP 500`;
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, peer: failing.address, reason, msg: `peer ${failing.address} skipped: ${reason}` }),
    ]);
  });

  test('an unexpected error is logged with its stack and the request id, and answered as a bare 500', async () => {
    const { log, lines } = capturingLogger('info');
    const failing = { proofOfWork: () => Promise.reject(new Error('disk on fire')), close: async () => {} };
    await using server = await serve(createTestApp({ miner: failing, log }).app);
    const { status, body } = await call(`${server.url}/mine`, { headers: { 'X-Request-Id': 'mine-1' } });
    expect({ status, body }).toEqual({ status: 500, body: { error: 'internal error' } });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        req_id: 'mine-1',
        err: expect.objectContaining({ message: 'disk on fire', stack: expect.stringContaining('Error: disk on fire') }),
      }),
      expect.objectContaining({ level: 30, req_id: 'mine-1', url: '/mine', status: 500 }),
    ]);
  });
});
