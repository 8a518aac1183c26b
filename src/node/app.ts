import Router from '@koa/router';
import Koa from 'koa';
import type { ChainNode } from './chain-node.ts';
import { errorHandler } from './errors.ts';
import type { Log } from './log.ts';
import { NODE_ID_HEADER } from './peer-client.ts';
import { notebookRoutes } from './routes/notebook.ts';
import { operationsRoutes } from './routes/operations.ts';

export interface AppDeps {
  node: ChainNode;
  log: Log;
  maxBodyBytes: number;
}

/** The node's HTTP API: the reference's endpoints (routes/notebook.ts) and the operators' (routes/operations.ts). */
export function createApp(deps: AppDeps): Koa {
  const { node, log } = deps;
  const app = new Koa();
  const router = new Router();
  notebookRoutes(router, deps);
  operationsRoutes(router, deps);

  app.use(requestLog(log));
  app.use(errorHandler());
  app.use(async (ctx, next) => {
    ctx.set(NODE_ID_HEADER, node.nodeId);
    await next();
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', (error: Error & { code?: string }) => {
    // A client that hangs up mid-response is not the node's failure.
    if (!CLIENT_GONE.has(error.code ?? '')) log('error', error.stack ?? String(error));
  });
  return app;
}

const CLIENT_GONE = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function requestLog(log: Log): Koa.Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      log('info', `${ctx.method} ${ctx.url} ${ctx.status} ${(performance.now() - started).toFixed(1)}ms`);
    }
  };
}
