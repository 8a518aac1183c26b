import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';

/**
 * The one place errors become responses: `{error}` as JSON with the error's status. Client errors
 * (status < 500) are answered with their message when it is meant for the client (`expose`);
 * anything else is a bug, logged through the app's 'error' event and answered with a bare 500.
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
      const { status, message, clientError } = describe(error);
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ error: message });
      if (!clientError) ctx.app.emit('error', error, ctx);
    }
  };
}

function describe(error: unknown): { status: number; message: string; clientError: boolean } {
  const { status, expose, message } = (error ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 600) return { status: 500, message: 'internal error', clientError: false };
  if (status >= 500) return { status, message: 'internal error', clientError: false };
  // A library's client error without `expose` may say more than it should: keep to the status text.
  const shown = expose === true && typeof message === 'string' ? message : (STATUS_CODES[status] ?? 'bad request');
  return { status, message: shown, clientError: true };
}
