// The node's server holds a bounded number of sockets: idle connections cannot use up its file
// descriptors and keep it from serving.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { eventually } from '../support/eventually.ts';
import { call, startTestNode } from '../support/nodes.ts';

const MAX_CONNECTIONS = 16;

/** An open TCP connection to `address` that sends nothing. */
async function idleSocket(address: string): Promise<Socket> {
  const [host, port] = address.split(':');
  const socket = connect(Number(port), host);
  await once(socket, 'connect');
  return socket;
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

describe('connections', () => {
  test('past MAX_CONNECTIONS idle sockets one more is closed at once, and requests are served again once they go', async () => {
    await using node = await startTestNode({ MAX_CONNECTIONS: String(MAX_CONNECTIONS) });
    const idle = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => idleSocket(node.address)));
    try {
      // The server counts a socket once it has accepted it.
      await eventually(async () => expect(await connectionCount(node.server)).toBe(MAX_CONNECTIONS));
      const extra = await idleSocket(node.address);
      const closed = once(extra, 'close').then(() => 'closed');
      const stillOpen = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5_000).unref());
      const outcome = await Promise.race([closed, stillOpen]);
      extra.destroy();
      expect(outcome).toBe('closed');
    } finally {
      for (const socket of idle) socket.destroy();
    }
    await eventually(async () => expect(await connectionCount(node.server)).toBe(0));
    expect((await call(`${node.url}/health`)).status).toBe(200);
  });
});
