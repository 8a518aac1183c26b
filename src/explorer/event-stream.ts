import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { toJson, type JsonValue } from '../chain/py-json.ts';

/** One open server-sent-events response. */
export interface EventStream {
  /** Sends one event to this client alone (its snapshot); see eventFrame. */
  send(event: string, data: JsonValue): void;
  /** Sends a frame eventFrame wrote: the same Buffer may go to every client, written once. */
  write(frame: Buffer): void;
  /** The bytes written to this client that it has not read yet, as far as this process holds them. */
  unreadBytes(): number;
  /** Ends the stream; the client's browser reconnects. */
  end(): void;
  /** Runs `cleanup` once, when the client goes away or the response ends for any reason. */
  onClose(cleanup: () => void): void;
}

export interface EventStreamOptions {
  /** A comment line this often keeps proxies and browsers from dropping an idle connection. */
  keepAliveMs?: number;
  /** A client that lets more than this pile up unread is cut off; its browser reconnects and starts afresh. */
  maxBufferedBytes: number;
}

/** One event as the stream carries it; its data is one line of JSON written by toJson, so floats keep their form. */
export function eventFrame(event: string, data: JsonValue): Buffer {
  return Buffer.from(`event: ${event}\ndata: ${toJson(data)}\n\n`);
}

const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');
const RETRY = Buffer.from('retry: 2000\n\n');

/** Turns the response into a `text/event-stream` that stays open until the client leaves. */
export function openEventStream(ctx: Context, { keepAliveMs = 15_000, maxBufferedBytes }: EventStreamOptions): EventStream {
  // The socket is idle between events by design: no timeout may close it.
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('X-Accel-Buffering', 'no'); // a proxy such as nginx would otherwise hold events back
  const stream = new PassThrough();
  ctx.body = stream;

  const cleanups: (() => void)[] = [];
  let closed = false;
  // What waits in this process: in the stream on both sides, and in the response and its socket.
  const unreadBytes = () => stream.writableLength + stream.readableLength + ctx.res.writableLength;
  const write = (frame: Buffer) => {
    if (closed) return;
    stream.write(frame);
    if (unreadBytes() > maxBufferedBytes) {
      // Closed at once, not when the socket says so: a burst of events must not pile up meanwhile.
      close();
      ctx.res.destroy();
    }
  };
  const keepAlive = setInterval(() => write(KEEP_ALIVE), keepAliveMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  // 'close' on the response covers both ends: the client hanging up and the response finishing.
  ctx.res.once('close', close);
  stream.once('close', close);
  write(RETRY);

  return {
    send: (event, data) => write(eventFrame(event, data)),
    write,
    unreadBytes,
    end: () => void stream.end(),
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
  };
}
