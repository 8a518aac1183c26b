// @ts-check
// Calling this page's own node. The page drives only the node that served it: the node refuses a
// request that would change it from any other page (src/http/cross-site.ts), and it is this node
// that reaches the others.
import { parse } from './dom.js';

/** @typedef {{ ok: boolean, status: number, data: any, raw: string }} Reply `data`: the parsed body, or null; `raw`: the body as sent */

/**
 * @param {string} method
 * @param {string} path
 * @param {string} [body] JSON
 * @returns {Promise<Reply>}
 */
export async function callApi(method, path, body) {
  /** @type {{ method: string, headers: Record<string, string>, body?: string }} */
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = body;
  }
  const response = await fetch(path, init);
  const raw = await response.text();
  let data = null;
  try {
    data = parse(raw);
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data, raw };
}

/**
 * Why the node refused, in its own words.
 * @param {Reply} reply
 */
export function failureText(reply) {
  const reason = reply.data && typeof reply.data.error === 'string' ? reply.data.error : 'no explanation';
  return 'HTTP ' + reply.status + ': ' + reason;
}
