import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** A TCP relay in front of a server that counts what passes, to measure what a peer really sends. */
export interface CountingProxy {
  /** `127.0.0.1:PORT`, to register instead of the server's own address. */
  address: string;
  /** Bytes the server sent through the relay, HTTP headers included. */
  readonly bytesSent: number;
  /** Bytes the clients sent to the server. */
  readonly bytesReceived: number;
  close(): Promise<void>;
}

/** Relays to `target`, given as `host:port`. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const [targetHost, targetPort] = target.split(':') as [string, string];
  let bytesSent = 0;
  let bytesReceived = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), targetHost);
    track(client);
    track(upstream);
    client.on('data', (chunk: Buffer) => (bytesReceived += chunk.length));
    upstream.on('data', (chunk: Buffer) => (bytesSent += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    get bytesSent() {
      return bytesSent;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
