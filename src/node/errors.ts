import type { Middleware } from 'koa';

/**
 * The one place errors become responses: `{error}` as JSON with the error's status. Messages of
 * client errors (status < 500, `expose`) are shown; anything else is logged through the app's
 * 'error' event and answered with a bare 500.
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
      const { status, expose, message } = asHttpError(error);
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ error: expose ? message : 'internal error' });
      if (!expose) ctx.app.emit('error', error, ctx);
    }
  };
}

function asHttpError(error: unknown): { status: number; expose: boolean; message: string } {
  const { status, expose, message } = (error ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  const valid = typeof status === 'number' && status >= 400 && status < 600;
  return {
    status: valid ? status : 500,
    expose: valid && status < 500 && expose === true,
    message: typeof message === 'string' ? message : 'error',
  };
}
