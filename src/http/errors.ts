import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';

/**
 * The one place errors become responses: `{error}` as JSON with the error's status. Unexpected
 * errors are logged through the app's 'error' event.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) ctx.throw(404, `no route for ${ctx.method} ${ctx.path}`);
      // The router answers 405 for a known path and 501 for a method it does not know at all; both
      // are the client's mistake.
      if (ctx.body === undefined && (ctx.status === 405 || ctx.status === 501)) {
        ctx.throw(405, `${ctx.method} is not allowed on ${ctx.path}; allowed: ${ctx.response.get('Allow') || 'none'}`);
      }
    } catch (error) {
      const { status, message, unexpected } = describe(error);
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ error: message });
      if (unexpected) ctx.app.emit('error', error, ctx);
    }
  };
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
