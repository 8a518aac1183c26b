import ky, { isHTTPError, isTimeoutError, type KyInstance, type Options } from 'ky';
import { toJson, type JsonValue } from '../chain/py-json.ts';
import { parseJson } from '../chain/py-json-parse.ts';

/** Response header carrying a chainlab node's id, so a node can recognise itself among its peers. */
export const NODE_ID_HEADER = 'x-chainlab-node-id';

export interface PeerResponse {
  body: JsonValue;
  nodeId: string | undefined;
}

/**
 * Why an exchange failed, and whether the peer answered at all (a timeout or a refused connection:
 * no). `status` is the HTTP status of an answer that was an error. The reason names the request, as
 * ky's errors do: `GET node2:5000/chain/tip: timeout after 2000 ms`, `GET node2:5000/chain: HTTP 500`,
 * `POST node3:5000/gossip/blocks: unreachable (connect ECONNREFUSED 10.0.0.3:5000)`. Whoever
 * branches on a failure reads `answered` and `status`, never the text.
 */
export interface PeerFailure {
  ok: false;
  reason: string;
  answered: boolean;
  status?: number;
}

/** What one request to a peer gave: its parsed answer, or why there is none. */
export type PeerReply = { ok: true; value: PeerResponse } | PeerFailure;

/** How this node talks to its peers. A failure comes back as a reason, never as a throw. */
export interface PeerClient {
  /** GET /chain, or with `from`, GET /chain?from=N: the blocks from position N on (a reference node ignores it and sends all). */
  getChain(peer: string, from?: number): Promise<PeerReply>;
  /** GET /chain/tip: the peer's length and the hash of its last block (chainlab nodes only). */
  getTip(peer: string): Promise<PeerReply>;
  /** POSTs a JSON body (registration, gossip). */
  post(peer: string, path: string, body: JsonValue): Promise<PeerReply>;
}

export interface PeerClientOptions {
  /** Budget for the whole exchange, from connecting to the last byte of the body. */
  timeoutMs: number;
  /** A peer sending more than this is cut off, so a hostile peer cannot exhaust our memory. */
  maxResponseBytes?: number;
}

export function createPeerClient({ timeoutMs, maxResponseBytes = 256 * 1024 * 1024 }: PeerClientOptions): PeerClient {
  const http = ky.create({ timeout: timeoutMs, retry: 0, throwHttpErrors: true });
  const exchange = (request: PeerRequest, options: Options = {}) => fetchJson(http, request, options, timeoutMs, maxResponseBytes);
  return {
    getChain: (peer, from) => exchange({ method: 'GET', peer, path: from === undefined ? '/chain' : `/chain?from=${from}` }),
    getTip: (peer) => exchange({ method: 'GET', peer, path: '/chain/tip' }),
    // Our own JSON writer: a float such as 5.0 must reach the peer as 5.0, or the block's hash changes.
    post: (peer, path, body) =>
      exchange({ method: 'POST', peer, path }, { body: toJson(body), headers: { 'content-type': 'application/json' } }),
  };
}

interface PeerRequest {
  method: 'GET' | 'POST';
  peer: string;
  /** With the query, if any. */
  path: string;
}

async function fetchJson(
  http: KyInstance,
  request: PeerRequest,
  options: Options,
  timeoutMs: number,
  maxBytes: number,
): Promise<PeerReply> {
  const { method, peer, path } = request;
  // Every reason names the request first, as ky's errors do.
  const fail = (reason: string, answered: boolean, status?: number): PeerFailure => ({
    ok: false,
    reason: `${method} ${peer}${path}: ${reason}`,
    answered,
    ...(status === undefined ? {} : { status }),
  });
  // ky's timeout stops at the headers; this signal also bounds a body that never finishes.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await http(`http://${peer}${path}`, { ...options, method, signal });
    const text = await readText(response, maxBytes);
    if (text === undefined) return fail(`response larger than ${maxBytes} bytes`, true);
    const parsed = parseJson(text);
    if (!parsed.ok) return fail(`invalid JSON: ${parsed.reason}`, true);
    return { ok: true, value: { body: parsed.value, nodeId: response.headers.get(NODE_ID_HEADER) ?? undefined } };
  } catch (error) {
    if (isTimeoutError(error) || signal.aborted) return fail(`timeout after ${timeoutMs} ms`, false);
    if (isHTTPError(error)) return fail(`HTTP ${error.response.status}`, true, error.response.status);
    return fail(`unreachable (${rootCause(error)})`, false);
  }
}

async function readText(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // fetch's body yields bytes; the DOM typings leave its chunks untyped.
  const body = (response.body ?? []) as AsyncIterable<Uint8Array> | Uint8Array[];
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** fetch hides the socket's error (ECONNREFUSED, ENOTFOUND) a few `cause`s deep. */
function rootCause(error: unknown): string {
  let current: unknown = error;
  while (hasCause(current) && typeof current.code !== 'string') current = current.cause;
  const { code, message } = (current ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(current);
  return typeof code === 'string' && !text.includes(code) ? `${code} ${text}` : text;
}

function hasCause(value: unknown): value is { cause: unknown; code?: unknown } {
  return typeof value === 'object' && value !== null && (value as { cause?: unknown }).cause !== undefined;
}
