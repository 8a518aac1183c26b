import { capturingLogger, createTestApp, serve } from '../support/apps.ts';
import { call, startTestNode } from '../support/nodes.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids and JSON logs', () => {
  test('one JSON line per request, with the caller\'s X-Request-Id echoed back', async () => {
    const { log, lines } = capturingLogger('info');
    const node = await startTestNode({}, log);
    try {
      const response = await fetch(`${node.url}/chain?x=1`, { headers: { 'X-Request-Id': 'trace-42.a:b_c' } });
      expect(response.headers.get('x-request-id')).toBe('trace-42.a:b_c');
      await call(`${node.url}/nope`, { headers: { 'X-Request-Id': 'trace-43' } });
      expect(lines).toEqual([
        expect.objectContaining({ level: 30, req_id: 'trace-42.a:b_c', method: 'GET', url: '/chain?x=1', status: 200, ms: expect.any(Number), msg: expect.stringMatching(/^GET \/chain\?x=1 200 [\d.]+ms$/) }),
        expect.objectContaining({ level: 30, req_id: 'trace-43', method: 'GET', url: '/nope', status: 404 }),
      ]);
      expect(lines[0]!.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    } finally {
      await node.close();
    }
  });

  test.each([
    ['absent', undefined],
    ['with a space', 'two words'],
    ['too long', 'x'.repeat(129)],
    ['with markup', '<script>'],
  ])('an X-Request-Id %s is replaced by a new UUID, in the header and the log line alike', async (_name, incoming) => {
    const { log, lines } = capturingLogger('info');
    const node = await startTestNode({}, log);
    try {
      const response = await fetch(`${node.url}/health`, { headers: incoming === undefined ? {} : { 'X-Request-Id': incoming } });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      expect(lines).toEqual([expect.objectContaining({ req_id: id, url: '/health' })]);
    } finally {
      await node.close();
    }
  });

  test('a skipped peer gets a warn line; LOG_LEVEL warn drops the request lines but keeps it', async () => {
    const { log, lines } = capturingLogger('warn');
    const node = await startTestNode({ PEERS: '127.0.0.1:1' }, log);
    try {
      await call(`${node.url}/nodes/resolve`);
      expect(lines).toEqual([
        expect.objectContaining({ level: 40, peer: '127.0.0.1:1', reason: expect.stringMatching(/^unreachable/), msg: expect.stringMatching(/^peer 127\.0\.0\.1:1 skipped: unreachable/) }),
      ]);
    } finally {
      await node.close();
    }
  });

  test('an unexpected error is logged with its stack and the request id, and answered as a bare 500', async () => {
    const { log, lines } = capturingLogger('info');
    const failing = { proofOfWork: () => Promise.reject(new Error('disk on fire')), close: async () => {} };
    const server = await serve(createTestApp({ miner: failing, log }).app);
    try {
      const { status, body } = await call(`${server.url}/mine`, { headers: { 'X-Request-Id': 'mine-1' } });
      expect({ status, body }).toEqual({ status: 500, body: { error: 'internal error' } });
      expect(lines).toEqual([
        expect.objectContaining({ level: 50, req_id: 'mine-1', err: expect.objectContaining({ message: 'disk on fire', stack: expect.stringContaining('Error: disk on fire') }) }),
        expect.objectContaining({ level: 30, req_id: 'mine-1', url: '/mine', status: 500 }),
      ]);
    } finally {
      await server.close();
    }
  });
});
