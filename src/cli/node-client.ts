/** The wallet's view of a node: one JSON request, one deadline, a bounded answer. */
export interface NodeAnswer {
  status: number;
  body: unknown;
  text: string;
}

const TIMEOUT_MS = 10_000;
/** What most answers are held to: a node's answers here are a few hundred bytes. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** For a whole chain or a snapshot (GET /chain, GET /lab/snapshot): as much as a node reads of a peer's chain (MAX_PEER_RESPONSE_BYTES). */
export const LARGE_ANSWER_BYTES = 64 * 1024 * 1024;

export interface RequestOptions {
  /** Past this many bytes the answer is refused unread; MAX_ANSWER_BYTES unless told. */
  maxBytes?: number;
  /** The body as JSON text, sent as it is instead of `json`: a snapshot's numbers keep their spelling (1.0 stays 1.0), and so its hashes. */
  jsonText?: string;
  /** One deadline for the headers and the body; 10 s unless told. */
  timeoutMs?: number;
  /** Refusals that are answers here, as GET /lab's 404 (the lab is off) is to `chainlab status`. */
  answers?: readonly number[];
}

/**
 * A request's outcome: the answer, or why there is none. A refusal (the node answered 4xx or 5xx)
 * carries its status and the node's own `refusal` text, so a caller can tell "the node said no"
 * from "no answer" (a lesson's `refused:` counts only the first).
 */
export type NodeVerdict = { ok: true; value: NodeAnswer } | { ok: false; reason: string; status?: number; refusal?: string };

/**
 * `method path` on the node at `base`, answered as parsed JSON. A refusal (4xx/5xx) is a failure
 * whose reason is the node's own `error` (or `message`) text; so is no answer, naming the request.
 */
export async function requestNode(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
  { maxBytes = MAX_ANSWER_BYTES, jsonText, timeoutMs = TIMEOUT_MS, answers = [] }: RequestOptions = {},
): Promise<NodeVerdict> {
  const body = jsonText ?? (json === undefined ? undefined : JSON.stringify(json));
  const url = `${base.replace(/\/+$/, '')}${path}`;
  const where = `${method} ${url}`;
  let text: string;
  let status: number;
  try {
    // One signal covers the headers and the body alike.
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect would send the request, a signed payment's body included, to a server nobody named.
      redirect: 'error',
    });
    status = response.status;
    const read = await readCapped(response, maxBytes);
    if (read === undefined) return { ok: false, reason: `${where}: answer longer than ${maxBytes} bytes` };
    text = read;
  } catch (error) {
    return { ok: false, reason: `${where}: ${describe(error, timeoutMs)}` };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (status >= 400 && !answers.includes(status)) {
    const refusal = refusalText(answer);
    return {
      ok: false,
      reason: refusal ?? `${where}: ${status} ${text.slice(0, 200)}`,
      status,
      ...(refusal === undefined ? {} : { refusal }),
    };
  }
  if (answer === undefined) return { ok: false, reason: `${where}: ${status} answer is not JSON: ${text.slice(0, 200)}` };
  return { ok: true, value: { status, body: answer, text } };
}

/** The reason a node gives in its error body: `error`, or `message`. */
export function refusalText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (typeof error === 'string') return error;
  if (typeof message === 'string') return message;
  return undefined;
}

/** Why a request failed (a timeout, a refused connection), for a reason that names the request. */
export function describe(error: unknown, timeoutMs: number = TIMEOUT_MS): string {
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
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
