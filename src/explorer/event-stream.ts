import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { toJson, type JsonValue } from '../chain/py-json.ts';

/** One open server-sent-events response. */
export interface EventStream {
  /** Sends one event; its data is one line of JSON written by toJson, so floats keep their form. */
  send(event: string, data: JsonValue): void;
  /** Runs `cleanup` once, when the client goes away or the response ends for any reason. */
  onClose(cleanup: () => void): void;
}

export interface EventStreamOptions {
  /** A comment line this often keeps proxies and browsers from dropping an idle connection. */
  keepAliveMs?: number;
  /** A client that lets this much pile up unread is cut off; its browser reconnects and starts afresh. */
  maxBufferedBytes?: number;
}

/** Turns the response into a `text/event-stream` that stays open until the client leaves. */
export function openEventStream(
  ctx: Context,
  { keepAliveMs = 15_000, maxBufferedBytes = 8 * 1024 * 1024 }: EventStreamOptions = {},
): EventStream {
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
  const write = (text: string) => {
    if (closed) return;
    stream.write(text);
    if (stream.writableLength > maxBufferedBytes) ctx.res.destroy();
  };
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), keepAliveMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  // 'close' on the response covers both ends: the client hanging up and the response finishing.
  ctx.res.once('close', close);
  stream.once('close', close);
  write('retry: 2000\n\n');

  return {
    send(event, data) {
      write(`event: ${event}\ndata: ${toJson(data)}\n\n`);
    },
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
  };
}
