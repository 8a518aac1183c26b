import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../log/log.ts';
import { clip } from './clip.ts';
import { requestIdOf } from './request-log.ts';

/**
 * Most characters of an error message sent back. Messages may quote what the client sent (a path,
 * an address): a reason quoting a megabyte would send the megabyte back, and log it.
 */
const MESSAGE_CHARS = 1000;

/**
 * The one place errors become responses: `{error}` as JSON with the error's status. Unexpected
 * errors are logged through the app's 'error' event.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) ctx.throw(404, `no route for ${ctx.method} ${clip(ctx.path)}`);
      // The router answers 405 for a known path and 501 for a method it does not know at all; both
      // are the client's mistake.
      if (ctx.body === undefined && (ctx.status === 405 || ctx.status === 501)) {
        ctx.throw(405, `${ctx.method} is not allowed on ${clip(ctx.path)}; allowed: ${ctx.response.get('Allow') || 'none'}`);
      }
    } catch (error) {
      const { status, body, unexpected } = errorAnswer(error);
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = body;
      if (unexpected) ctx.app.emit('error', error, ctx);
    }
  };
}

/** What errorHandler answers for `error`: its status and `{error}` body, and whether it is a bug to log. */
export function errorAnswer(error: unknown): { status: number; body: string; unexpected: boolean } {
  const { status, message, unexpected } = describe(error);
  return { status, body: JSON.stringify({ error: clip(message, MESSAGE_CHARS) }), unexpected };
}

/** An error meant for the client, as Koa's ctx.throw makes one, for code that has no ctx. */
export class ClientError extends Error {
  readonly status: number;
  readonly expose = true;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * An error meant for the client (`expose`, as http-errors sets for 4xx) keeps its message. A 4xx a
 * library raised without `expose` may say more than it should: it gets the status text. Anything
 * else is unexpected: a bug, reported as a bare 500 and logged.
 */
function describe(error: unknown): { status: number; message: string; unexpected: boolean } {
  const { status, expose, message } = (error ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 600) return { status: 500, message: 'internal error', unexpected: true };
  if (expose === true && typeof message === 'string') return { status, message, unexpected: false };
  if (status >= 500) return { status, message: 'internal error', unexpected: true };
  return { status, message: STATUS_CODES[status] ?? 'bad request', unexpected: false };
}

/** Socket errors of a client that hung up mid-response: not the node's failure, and nothing to log. */
const CLIENT_GONE: ReadonlySet<string> = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** What Node's server fails a socket with when a request is not all in by server.requestTimeout. */
const REQUEST_TIMEOUT = 'ERR_HTTP_REQUEST_TIMEOUT';

/** What Node's HTTP parser says of bytes it could not read (`HPE_INVALID_METHOD`), with what it had read. */
interface ParseError extends Error {
  code: string;
  reason?: unknown;
  rawPacket?: unknown;
}

/**
 * The app's 'error' listener: the one place errors are logged. A client that sends bytes that are
 * not HTTP (after a request, on the same keep-alive socket) fails that socket with a parse error,
 * which reaches here through the response: that is the client's problem, logged at debug with its
 * code and how many bytes were dropped, never the bytes themselves (Node puts them in `rawPacket`).
 */
export function reportErrors(log: Logger): (error: Error & { code?: unknown }, ctx?: Context) => void {
  return (error, ctx) => reportError(log, error, requestIdOf(ctx));
}

/** reportErrors for one error, of the request with id `req_id` if it came from one. */
export function reportError(log: Logger, error: Error & { code?: unknown }, req_id: string | undefined): void {
  const code = typeof error.code === 'string' ? error.code : '';
  if (CLIENT_GONE.has(code)) return;
  if (isParseError(error)) {
    const bytes = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.length : null;
    const reason = typeof error.reason === 'string' ? clip(error.reason, 100) : code;
    log.debug({ req_id, code, bytes }, `a client sent bytes that are not HTTP (${code}: ${reason}); its connection was closed`);
    return;
  }
  // A client slower than server.requestTimeout to send its request (src/server.ts), as a slow-body
  // attack is: Node answered it 408 and closed it. The client's doing, not a failure of the node.
  if (code === REQUEST_TIMEOUT) {
    log.debug({ req_id, code }, 'a client took longer than the request timeout to send its request; its connection was closed');
    return;
  }
  log.error({ err: error, req_id }, `unexpected error: ${clip(error.message, MESSAGE_CHARS)}`);
}

function isParseError(error: Error & { code?: unknown }): error is ParseError {
  return typeof error.code === 'string' && error.code.startsWith('HPE_');
}
