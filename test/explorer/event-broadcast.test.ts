// GET /events for many pages at once (src/explorer/event-broadcast.ts): every event written once
// for all of them, a bounded number of them, each with a bounded buffer, and every event small
// whatever the pool and the blocks hold.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import Koa from 'koa';
import * as eventStreamModule from '../../src/explorer/event-stream.ts';
import { openEventStream, type EventStream } from '../../src/explorer/event-stream.ts';
import type { ChainNode } from '../../src/node/chain-node.ts';
import { createTestApp, searchingMiner, serve } from '../support/apps.ts';
import { eventually } from '../support/eventually.ts';
import { call } from '../support/nodes.ts';
import { openEvents, type EventReader } from './event-reader.ts';

/** What test/support/apps.ts gives a test app: MAX_EVENT_CLIENTS and EVENT_BUFFER_BYTES. */
const MAX_CLIENTS = 8;
const BUFFER_BYTES = 262_144;

/** A client that asks for `path` and then reads nothing, as a stalled or hostile page would. */
async function stalledClient(url: string, path: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.on('error', () => {}); // cut off: that is the point
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
  socket.pause();
  return socket;
}

const transaction = (i: number, memo = '') => ({ sender: `alice${memo}`, recipient: 'bob', amount: i, id: `tx-${i}` });
const listeners = (node: ChainNode) => node.events.listenerCount('transaction');

describe('GET /events for many pages', () => {
  const readers: EventReader[] = [];
  afterEach(() => readers.splice(0).forEach((reader) => reader.close()));
  const open = async (url: string) => {
    const reader = await openEvents(`${url}/events`);
    readers.push(reader);
    return reader;
  };

  test('writes each event once, whatever the number of pages, and listens to the node once', async () => {
    const { app, node } = createTestApp();
    await using server = await serve(app);
    const before = listeners(node);
    const pages = await Promise.all(Array.from({ length: 5 }, () => open(server.url)));
    for (const page of pages) expect((await page.next()).event).toBe('snapshot');
    expect(listeners(node)).toBe(before + 1);

    const frames = jest.spyOn(eventStreamModule, 'eventFrame');
    try {
      expect((await call(`${server.url}/transactions/new`, { json: transaction(1) })).status).toBe(201);
      const received = await Promise.all(pages.map((page) => page.next()));
      expect(received.map(({ event, data }) => [event, data.pending_count])).toEqual(Array(5).fill(['transaction', 1]));
      expect(frames.mock.calls.filter(([event]) => event === 'transaction')).toHaveLength(1);
    } finally {
      frames.mockRestore();
    }
  });

  test(`serves at most MAX_EVENT_CLIENTS (${MAX_CLIENTS}) at once: one more is refused with 429 and a reason`, async () => {
    const { app } = createTestApp();
    await using server = await serve(app);
    const pages = await Promise.all(Array.from({ length: MAX_CLIENTS }, () => open(server.url)));
    for (const page of pages) await page.next();
    // Refused before the stream opens; were it opened, its body would never end.
    const refused = await fetch(`${server.url}/events`);
    const body: unknown = refused.status === 429 ? await refused.json() : await refused.body?.cancel();
    expect({ status: refused.status, body }).toEqual({
      status: 429,
      body: { error: expect.stringMatching(/at most 8 event streams at once \(MAX_EVENT_CLIENTS\)/) },
    });
    // A page that leaves makes room for another.
    pages[0]!.close();
    await eventually(async () => {
      const page = await open(server.url);
      expect(page.response.status).toBe(200);
    });
  });

  test('cuts off a page that reads nothing once EVENT_BUFFER_BYTES wait for it; a new page is served afresh', async () => {
    const { app, node } = createTestApp();
    await using server = await serve(app);
    const none = listeners(node);
    const stalled = await stalledClient(server.url, '/events');
    try {
      // Served: the node's events are listened to for it. Once it is cut off, nobody listens.
      await eventually(() => listeners(node) === none + 1);
      const memo = 'm'.repeat(1_900);
      const frameBytes = eventStreamModule.eventFrame('transaction', { transaction: transaction(0, memo), pending_count: 0 }).length;
      let sent = 0;
      // The kernel's socket buffers take a few MB before the node's own fill: up to 64 MB are sent.
      while (listeners(node) > none && sent * frameBytes < 64 * 1024 * 1024) {
        node.events.emit('transaction', { transaction: transaction(sent, memo) });
        sent += 1;
        if (sent % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(listeners(node)).toBe(none);
      expect(sent * frameBytes).toBeGreaterThan(BUFFER_BYTES);
      const page = await open(server.url);
      expect((await page.next()).event).toBe('snapshot');
    } finally {
      stalled.destroy();
    }
  });
});

describe('every event', () => {
  const small = (raw: string) => expect(raw.length).toBeLessThan(BUFFER_BYTES / 4);

  test('stays small however large the pool and the blocks are: the first transactions, the counts, a cut block', async () => {
    const { app, node } = createTestApp({ miner: searchingMiner });
    await using server = await serve(app);
    // The attack of issue 11: transactions of 900,000 'é', each 5.4 MB as JSON, and many more.
    const fat = '\u00e9'.repeat(900_000);
    for (let i = 0; i < 3; i++) expect((await node.addTransaction(transaction(i, fat))).status).toBe('added');
    for (let i = 3; i < 300; i++) await node.addTransaction(transaction(i));
    const page = await openEvents(`${server.url}/events`);
    try {
      const snapshot = await page.next();
      small(snapshot.raw);
      expect(snapshot.data.pending_count).toBe(300);
      expect(snapshot.data.pending.length).toBeGreaterThan(0);
      expect(snapshot.data.pending.length).toBeLessThanOrEqual(50);
      expect(snapshot.data.pending[0]).toEqual({
        ...transaction(0),
        sender: expect.stringMatching(/^alice\u00e9+\u2026 \(\d+ more characters\)$/),
      });

      await node.addTransaction(transaction(300, fat));
      const added = await page.next();
      expect(added.event).toBe('transaction');
      expect(added.raw.length).toBeLessThan(2_000);
      expect(added.data.pending_count).toBe(301);

      expect((await call(`${server.url}/mine`)).status).toBe(200);
      const mined = await page.next();
      expect(mined.event).toBe('mined');
      small(mined.raw);
      const { cut, bytes, transaction_count } = mined.data.block;
      expect({ cut, big: bytes > 5_000_000 }).toEqual({ cut: true, big: true });
      expect(mined.data.block.block.transactions.length).toBeLessThanOrEqual(5);
      expect(mined.data.pending_count).toBe(301 - (transaction_count - 1));
    } finally {
      page.close();
    }
  });
});

describe('openEventStream', () => {
  test('cuts a client off once more than maxBufferedBytes wait unread, and never holds much more', async () => {
    const bound = 65_536;
    const app = new Koa();
    app.on('error', () => {});
    let stream: EventStream | undefined;
    let closed = false;
    app.use((ctx) => {
      stream = openEventStream(ctx, { maxBufferedBytes: bound });
      stream.onClose(() => (closed = true));
    });
    await using server = await serve(app);
    const client = await stalledClient(server.url, '/');
    await eventually(() => stream !== undefined);
    const frame = Buffer.alloc(4_096, 'x');
    let most = 0;
    let written = 0;
    while (!closed && written < 64 * 1024 * 1024) {
      stream!.write(frame);
      written += frame.length;
      most = Math.max(most, stream!.unreadBytes());
      await new Promise((resolve) => setImmediate(resolve));
    }
    client.destroy();
    expect(closed).toBe(true);
    expect(most).toBeLessThanOrEqual(bound + frame.length);
  });
});
