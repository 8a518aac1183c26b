// A real HTTP server on a free loopback port standing in for a peer, that also counts the sockets
// still open: a peer client that gives up on a peer must not leave its connection behind.
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { closable, type Closable } from '../support/closable.ts';

export interface PeerServer extends Closable {
  /** `127.0.0.1:PORT`. */
  address: string;
  /** Connections accepted and not yet closed. */
  openSockets(): number;
  /** Every request's path and query, in order. */
  asked: string[];
}

export async function startPeerServer(listener: RequestListener): Promise<PeerServer> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    listener(req, res);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return closable({
    address: `127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    asked,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}

/** `promise`, or a rejection naming `what` if it has not settled within `ms`: a hang fails the test instead of stalling it. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}
