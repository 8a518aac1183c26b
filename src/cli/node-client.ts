import type { Verdict } from '../chain/validate.ts';

/** The wallet's view of a node: one JSON request, one deadline, a bounded answer. */
export interface NodeAnswer {
  status: number;
  body: unknown;
  text: string;
}

const TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 1024 * 1024; // a node's answers here are a few hundred bytes

/**
 * `method path` on the node at `base`, answered as parsed JSON. A refusal (4xx/5xx) is a failure
 * whose reason is the node's own `error` (or `message`) text; so is no answer, naming the request.
 */
export async function requestNode(base: string, method: 'GET' | 'POST', path: string, json?: unknown): Promise<Verdict<NodeAnswer>> {
  const url = `${base.replace(/\/+$/, '')}${path}`;
  const where = `${method} ${url}`;
  let text: string;
  let status: number;
  try {
    // One signal covers the headers and the body alike.
    const response = await fetch(url, {
      method,
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = response.status;
    const read = await readCapped(response, MAX_ANSWER_BYTES);
    if (read === undefined) return { ok: false, reason: `${where}: answer longer than ${MAX_ANSWER_BYTES} bytes` };
    text = read;
  } catch (error) {
    return { ok: false, reason: `${where}: ${describe(error)}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status >= 400) return { ok: false, reason: refusalText(body) ?? `${where}: ${status} ${text.slice(0, 200)}` };
  if (body === undefined) return { ok: false, reason: `${where}: ${status} answer is not JSON: ${text.slice(0, 200)}` };
  return { ok: true, value: { status, body, text } };
}

function refusalText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (typeof error === 'string') return error;
  if (typeof message === 'string') return message;
  return undefined;
}

function describe(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError') return `no answer within ${TIMEOUT_MS} ms`;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return detail === undefined ? String(message) : `${String(message)} (${detail})`;
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
