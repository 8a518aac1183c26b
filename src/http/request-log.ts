import { randomUUID } from 'node:crypto';
import { validateHeaderName, validateHeaderValue, type IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../log/log.ts';
import { requestLineWriter } from '../log/request-line.ts';
import { clip } from './clip.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** The same header as Node's parser keys it in `req.headers`, read there without Koa's case-folding lookup. */
const REQUEST_ID_KEY = REQUEST_ID_HEADER.toLowerCase();

// A caller's id ends up in our logs and in a response header: only a short, plain one is kept.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Most characters of a url in a log line: a 16 KB url, logged twice per line, would be noise and cost. */
const URL_CHARS = 500;

/**
 * Routes that peers, healthchecks and scrapers call every few seconds (a sync round asks every peer
 * for its tip): at info they would bury everything else, so they are logged at debug, unless they
 * failed. Matched by the route's template, as the metrics label requests.
 */
const ROUTINE_ROUTES: ReadonlySet<string> = new Set(['GET /chain/tip', 'GET /health', 'GET /metrics']);

/** The level a finished request is logged at: debug for routine polling that went well, else info. */
export function requestLevel(ctx: Context, route = routeOf(ctx)): 'debug' | 'info' {
  return levelOf(ctx.method, ctx.status, route);
}

function levelOf(method: string, status: number, route: string): 'debug' | 'info' {
  return status < 500 && ROUTINE_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${route}`) ? 'debug' : 'info';
}

/**
 * The route's template as registered (`/nodes/resolve`), never the raw URL, so that random paths
 * cannot grow the number of metric series; anything the router did not match is 'unmatched'.
 */
export function routeOf(ctx: Context): string {
  const route = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  return route === undefined ? 'unmatched' : String(route);
}

/** What else wants to know of each finished request: its method, route template, status and seconds taken. */
export type RequestObserver = (method: string, route: string, status: number, seconds: number) => void;

/** One request as a RequestRecorder follows it: its id, when it began, and the headers its answer carries. */
export interface RecordedRequest {
  id: string;
  started: number;
  /** The node's headers for the answer, as name, value, name, value…: the request's id, then the fixed ones. */
  headers: string[];
}

/**
 * What requestLog does around each request, for whoever answers one: the Koa middleware below,
 * and the transaction lane (transaction-lane.ts), which answers its requests without Koa.
 */
export interface RequestRecorder {
  /** Gives the request its id, and the node's headers for its answer (see RecordedRequest.headers). */
  begin(req: IncomingMessage): RecordedRequest;
  /** Logs the finished request's line and tells the observer. */
  end(request: RecordedRequest, method: string, url: string, status: number, route: string): void;
}

/**
 * Gives each request an id (the caller's `X-Request-Id` when sane, else a new UUID), sends it back
 * in the same header, and logs one line per request (see requestLevel): method, url, status, ms
 * and the id. The url is the client's, up to the parser's header limit: it is cut to URL_CHARS.
 * `observe` (the metrics) hears of each request too, timed by the same clock, and `headers` (the
 * node's id) go on every answer.
 */
export function requestRecorder(log: Logger, observe?: RequestObserver, headers: Readonly<Record<string, string>> = {}): RequestRecorder {
  // Checked here, once, as setHeader would check them on every answer: the lane hands them to
  // writeHead, which finds a bad one only after a transaction was pooled.
  const entries = Object.entries(headers);
  for (const [name, value] of entries) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  }
  const fixed = entries.flat();
  const writeLine = requestLineWriter(log);
  return {
    begin(req) {
      const started = performance.now();
      const incoming = req.headers[REQUEST_ID_KEY];
      const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      return { id, started, headers: [REQUEST_ID_HEADER, id, ...fixed] };
    },
    end({ id, started }, method, rawUrl, status, route) {
      const elapsed = performance.now() - started;
      const ms = Math.round(elapsed * 10) / 10;
      const url = clip(rawUrl, URL_CHARS);
      writeLine(levelOf(method, status, route), { req_id: id, method, url, status, ms }, `${method} ${url} ${status} ${ms}ms`);
      observe?.(method, route, status, elapsed / 1000);
    },
  };
}

/**
 * The recorder as the app's outermost middleware: one around the whole chain rather than a log,
 * a timer and a header each, on every request.
 */
export function requestLog(recorder: RequestRecorder): Middleware {
  return async (ctx, next) => {
    const request = recorder.begin(ctx.req);
    // Straight onto the response: Koa's ctx.set builds arrays to normalise values these do not need.
    const { headers } = request;
    for (let i = 0; i < headers.length; i += 2) ctx.res.setHeader(headers[i]!, headers[i + 1]!);
    ctx.state.requestId = request.id;
    try {
      await next();
    } finally {
      recorder.end(request, ctx.method, ctx.url, ctx.status, routeOf(ctx));
    }
  };
}

/** The id requestLog gave this request; undefined outside one. */
export function requestIdOf(ctx: Context | undefined): string | undefined {
  const id: unknown = ctx?.state.requestId;
  return typeof id === 'string' ? id : undefined;
}
