import type { Context } from 'koa';
import { toJson, type JsonValue } from '../chain/py-json.ts';

/** Our responses go through toJson, not JSON.stringify, so floats and big integers keep their form. */
export function sendJson(ctx: Context, status: number, body: JsonValue): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = toJson(body);
}
