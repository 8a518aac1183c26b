// What a client sends never comes back larger in the node's log, nor in its answer: bytes that are
// not HTTP are a client's problem, logged by their code and size (src/http/errors.ts), an error's
// fields are bounded (src/log/bounded-error.ts), and a long url is cut (src/http/request-log.ts).
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { boundedError } from '../../src/log/bounded-error.ts';
import { capturingLogger, createTestApp, serve } from '../support/apps.ts';
import { eventually } from '../support/eventually.ts';
import { call } from '../support/nodes.ts';

const lineBytes = (line: Record<string, unknown>) => JSON.stringify(line).length;

describe('the log, against a client sending garbage', () => {
  test('60 KB that are not HTTP after a request on a keep-alive socket: one bounded debug line, not an error', async () => {
    const { log, lines } = capturingLogger('trace');
    await using server = await serve(createTestApp({ log }).app);
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    socket.on('data', () => {});
    socket.on('error', () => {});
    const closed = once(socket, 'close');
    socket.write(`GET /chain HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n${'Z'.repeat(60_000)}`);
    await closed;
    await eventually(() => lines.some((line) => line.code !== undefined), { what: 'the parse error to be logged' });

    expect(lines.map(lineBytes).every((bytes) => bytes < 2_048)).toBe(true);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(lines.find((line) => line.code !== undefined)).toEqual(
      expect.objectContaining({
        level: 20,
        code: expect.stringMatching(/^HPE_/),
        bytes: expect.any(Number),
        msg: expect.stringMatching(/^a client sent bytes that are not HTTP \(HPE_\w+: .*\); its connection was closed$/),
      }),
    );
    expect(JSON.stringify(lines)).not.toContain('ZZZZ');
  });

  test('a client slower than the request timeout (a slow-body attack): a debug line, not an error', async () => {
    const { log, lines } = capturingLogger('trace');
    const handle = createTestApp({ log }).app.callback();
    // What src/server.ts sets, at a test's scale: Node answers 408 and closes the socket.
    const server = createServer({ requestTimeout: 200, connectionsCheckingInterval: 50 }, (req, res) => void handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      socket.on('data', () => {});
      socket.on('error', () => {});
      socket.write('POST /transactions/new HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 57\r\n\r\n{"sen');
      await once(socket, 'close');
      await eventually(() => lines.some((line) => line.code === 'ERR_HTTP_REQUEST_TIMEOUT'), { what: 'the timeout to be logged' });
      expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
      expect(lines.find((line) => line.code !== undefined)).toMatchObject({
        level: 20,
        msg: 'a client took longer than the request timeout to send its request; its connection was closed',
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test("an error's Buffers are logged as their size, and its long strings and lists are cut", () => {
    const error = Object.assign(new Error(`bad: ${'q'.repeat(100_000)}`), {
      rawPacket: Buffer.alloc(60_000, 'Z'),
      view: new Uint8Array(10),
      list: [...Array(1_000).keys()],
      detail: { packet: Buffer.alloc(5) },
    });
    const logged = boundedError(error) as Record<string, unknown>;
    expect(JSON.stringify(logged).length).toBeLessThan(10_000);
    expect(logged).toMatchObject({
      type: 'Error',
      message: expect.stringMatching(/^bad: q+\u2026 \(\d+ more characters\)$/),
      rawPacket: { type: 'Buffer', bytes: 60_000 },
      view: { type: 'Uint8Array', bytes: 10 },
      list: [...[...Array(20).keys()], '\u2026 980 more'],
    });
    expect(logged.detail).toEqual({ packet: { type: 'Buffer', bytes: 5 } });
  });

  test("the logger itself never writes an error's Buffer as numbers", () => {
    const { log, lines } = capturingLogger('info');
    log.error({ err: Object.assign(new Error('parse'), { rawPacket: Buffer.alloc(60_000, 'Z') }) }, 'unexpected');
    expect(lines).toHaveLength(1);
    expect(lineBytes(lines[0]!)).toBeLessThan(2_048);
    expect(lines[0]!.err).toMatchObject({ rawPacket: { type: 'Buffer', bytes: 60_000 } });
  });
});

describe('a long url', () => {
  test('is cut in the request log and in the error sent back', async () => {
    const { log, lines } = capturingLogger('info');
    await using server = await serve(createTestApp({ log }).app);
    const path = `/${'u'.repeat(12_000)}`;
    const { status, text } = await call(`${server.url}${path}`);
    expect(status).toBe(404);
    expect(text.length).toBeLessThan(2_048);
    expect(JSON.parse(text).error).toMatch(/^no route for GET \/u+\u2026 \(\d+ more characters\)$/);
    expect(lines).toEqual([expect.objectContaining({ status: 404, url: expect.stringMatching(/^\/u+\u2026 \(\d+ more characters\)$/) })]);
    expect(lineBytes(lines[0]!)).toBeLessThan(2_048);
  });
});
