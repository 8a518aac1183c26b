import { bodyParser } from '@koa/bodyparser';
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware, Next } from 'koa';
import { type JsonValue } from '../chain/py-json.ts';
import { parseJson } from '../chain/py-json-parse.ts';
import { ClientError } from './errors.ts';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** What curl, fetch, ky and the notebook's `requests` send: the body is UTF-8 JSON, read as is. */
const PLAIN_JSON = /^application\/json(?:;\s*charset="?utf-8"?)?$/i;

/**
 * Reads a JSON request body into `ctx.request.body`, with the reference's number semantics (5.0 stays
 * a float, big integers stay exact), which JSON.parse would lose. Too large: 413. Not JSON: 400.
 */
export function jsonBody(maxBytes: number): Middleware {
  const read = jsonReader(maxBytes);
  return async (ctx: Context, next: Next) => {
    await read(ctx);
    await next();
  };
}

/**
 * What jsonBody does, for a handler to call itself: the body read, parsed, put in
 * `ctx.request.body` and returned. On the busiest route that is one middleware layer fewer.
 */
export function jsonReader(maxBytes: number): (ctx: Context) => Promise<JsonValue> {
  // The body parser only buffers the raw text (and enforces the limit); parsing is ours.
  const readText = bodyParser({ enableTypes: ['text'], extendTypes: { text: JSON_TYPES }, textLimit: maxBytes });
  return async (ctx: Context) => {
    const text = plainBodyLength(ctx.req, maxBytes) === undefined ? await readAnyBody(ctx, readText) : await readPlainBody(ctx.req);
    const body = parsedBody(text);
    ctx.request.body = body;
    return body;
  };
}

/** A body read as text (undefined: the client hung up first) as JSON, or a 400 that says why not. */
export function parsedBody(text: string | undefined): JsonValue {
  if (text === undefined) throw new ClientError(400, 'unreadable body: request aborted');
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ClientError(400, `invalid JSON: ${parsed.reason}`);
  return parsed.value;
}

export function bodyOf(ctx: { request: { body?: unknown } }): JsonValue {
  return ctx.request.body as JsonValue;
}

/**
 * The length of a body that can be read straight off the socket, as almost every request's can:
 * plain UTF-8 JSON, not compressed, its length announced and within the limit. Undefined for any
 * other, which the body parser reads, with its decompression, charsets and 413s.
 */
export function plainBodyLength(req: IncomingMessage, maxBytes: number): number | undefined {
  const { headers } = req;
  const type = headers['content-type'];
  if (type === undefined || !(type === 'application/json' || PLAIN_JSON.test(type))) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  const length = Number(headers['content-length']);
  // Node's parser refuses a request with both a length and chunks, or a bad length, before we see it.
  return headers['content-length'] !== undefined && Number.isSafeInteger(length) && length <= maxBytes ? length : undefined;
}

/** The body as text, read by the body parser: compressed, in another charset, chunked, or too large. */
async function readAnyBody(ctx: Context, readText: Middleware): Promise<string> {
  if (!ctx.is(JSON_TYPES)) ctx.throw(400, "the body must be JSON, sent with 'Content-Type: application/json'");
  try {
    await readText(ctx, async () => {});
  } catch (error) {
    // Size limits (413) and bad encodings (415) carry their status; a body that fails to
    // decompress or arrives cut short is the client's fault too, never a 500.
    const status = (error as { status?: number }).status;
    ctx.throw(status !== undefined && status >= 400 && status < 500 ? status : 400, `unreadable body: ${(error as Error).message}`);
  }
  return typeof ctx.request.body === 'string' ? ctx.request.body : '';
}

/**
 * The body of a plain JSON request (see plainBodyLength) as text, undefined if the client hung up
 * first. Node's parser delivers exactly the announced bytes or fails the request, so the limit was
 * checked by its length. A leading BOM is dropped, as the body parser's decoder drops it. Not an
 * async function: its promise would wrap this one, a turn more per request.
 */
export function readPlainBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    });
    // A client that hangs up mid-body: no 'end', only 'close' (and 'error' with some Node versions).
    req.once('error', () => resolve(undefined));
    req.once('close', () => resolve(undefined));
  });
}
