// Plain JSON bodies, as curl, fetch and the notebook send them, are read straight off the socket
// (src/http/json-body.ts); every other body goes through the body parser. Both must read alike.
import { once } from 'node:events';
import { connect } from 'node:net';
import { capturingLogger, createTestApp, serve } from '../support/apps.ts';
import { eventually } from '../support/eventually.ts';
import { call } from '../support/nodes.ts';

const TX = { sender: 'a', recipient: 'b', amount: 5 };

describe('JSON request bodies', () => {
  test.each([
    ['application/json', JSON.stringify(TX)],
    ['application/json; charset=utf-8', JSON.stringify(TX)],
    ['Application/JSON; charset="UTF-8"', JSON.stringify(TX)],
    ['application/json', `\uFEFF${JSON.stringify(TX)}`],
    ['application/vnd.chainlab+json', JSON.stringify(TX)],
  ])('%s, %j: taken', async (type, body) => {
    await using server = await serve(createTestApp().app);
    const { status, body: answer } = await call(`${server.url}/transactions/new`, {
      method: 'POST',
      body,
      headers: { 'content-type': type },
    });
    expect({ status, message: answer.message }).toEqual({ status: 201, message: 'Transaction will be added to Block 2' });
  });

  test('a body sent with Content-Encoding: identity is read as it is', async () => {
    await using server = await serve(createTestApp().app);
    const headers = { 'content-type': 'application/json', 'content-encoding': 'identity' };
    expect((await call(`${server.url}/transactions/new`, { method: 'POST', body: JSON.stringify(TX), headers })).status).toBe(201);
  });

  test('a body of exactly MAX_BODY_BYTES is read; one byte more is refused with 413', async () => {
    await using server = await serve(createTestApp().app); // MAX_BODY_BYTES 4096
    const sized = (bytes: number) => {
      const json = JSON.stringify({ ...TX, memo: '' });
      return JSON.stringify({ ...TX, memo: 'x'.repeat(bytes - json.length) });
    };
    const post = (body: string) =>
      call(`${server.url}/transactions/new`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect((await post(sized(4096))).status).toBe(201);
    const refused = await post(sized(4097));
    expect({ status: refused.status, error: refused.body.error }).toEqual({
      status: 413,
      error: 'unreadable body: request entity too large',
    });
  });

  test('a client that hangs up halfway through its body is answered 400 and logged, not left waiting', async () => {
    const { log, lines } = capturingLogger('info');
    await using server = await serve(createTestApp({ log }).app);
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    const head = `POST /transactions/new HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    socket.write(`${head}{"sender": "a"`);
    await eventually(() => socket.bytesWritten >= head.length, { what: 'the request to be sent' });
    socket.destroy();
    await eventually(() => lines.some((line) => line.url === '/transactions/new'), { what: 'the request to be logged' });
    expect(lines).toEqual([expect.objectContaining({ level: 30, method: 'POST', url: '/transactions/new', status: 400 })]);
    // The node goes on answering.
    expect((await call(`${server.url}/transactions/new`, { json: TX })).status).toBe(201);
  });
});
