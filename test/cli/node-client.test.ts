// requestNode, the CLI's one way to ask a node: a refusal says who refused and why, and a redirect
// is never followed, so a hostile node cannot send the CLI's request (a signed payment, say) elsewhere.
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestNode } from '../../src/cli/node-client.ts';

async function serve(listener: RequestListener): Promise<{ url: string } & AsyncDisposable> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

test('a redirect is a failure, and the server it names hears nothing', async () => {
  let heard = 0;
  await using elsewhere = await serve((_req, res) => {
    heard += 1;
    res.end('{}');
  });
  await using node = await serve((_req, res) => {
    res.writeHead(307, { location: `${elsewhere.url}/transactions/new` }).end();
  });
  const answer = await requestNode(node.url, 'POST', '/transactions/new', { sender: 'a', recipient: 'b', amount: 1 });
  expect(answer).toMatchObject({ ok: false, reason: expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:\d+\/transactions\/new: /) });
  expect(heard).toBe(0);
});

test("a refusal carries the status and the node's own reason; no answer carries neither", async () => {
  await using node = await serve((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"index 99 is past the tip"}');
  });
  expect(await requestNode(node.url, 'POST', '/lab/tamper', {})).toEqual({
    ok: false,
    reason: 'index 99 is past the tip',
    status: 400,
    refusal: 'index 99 is past the tip',
  });
  const gone = node.url;
  await node[Symbol.asyncDispose]();
  const none = await requestNode(gone, 'GET', '/health');
  expect(none.ok).toBe(false);
  expect(none).not.toHaveProperty('status');
  expect(none).not.toHaveProperty('refusal');
});
