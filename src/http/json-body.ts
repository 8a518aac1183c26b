import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware, Next } from 'koa';
import { type JsonValue } from '../chain/py-json.ts';
import { parseJson } from '../chain/py-json-parse.ts';

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Reads a JSON request body into `ctx.request.body`, with the reference's number semantics (5.0 stays
 * a float, big integers stay exact), which JSON.parse would lose. Too large: 413. Not JSON: 400.
 */
export function jsonBody(maxBytes: number): Middleware {
  // The body parser only buffers the raw text (and enforces the limit); parsing is ours.
  const readText = bodyParser({ enableTypes: ['text'], extendTypes: { text: JSON_TYPES }, textLimit: maxBytes });
  return async (ctx: Context, next: Next) => {
    if (!ctx.is(JSON_TYPES)) ctx.throw(400, "the body must be JSON, sent with 'Content-Type: application/json'");
    try {
      await readText(ctx, async () => {});
    } catch (error) {
      // Size limits (413) and bad encodings (415) carry their status; a body that fails to
      // decompress or arrives cut short is the client's fault too, never a 500.
      const status = (error as { status?: number }).status;
      ctx.throw(status !== undefined && status >= 400 && status < 500 ? status : 400, `unreadable body: ${(error as Error).message}`);
    }
    const parsed = parseJson(typeof ctx.request.body === 'string' ? ctx.request.body : '');
    if (!parsed.ok) ctx.throw(400, `invalid JSON: ${parsed.reason}`);
    ctx.request.body = parsed.value;
    await next();
  };
}

export function bodyOf(ctx: { request: { body?: unknown } }): JsonValue {
  return ctx.request.body as JsonValue;
}
