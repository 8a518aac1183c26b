import ky, { isHTTPError, isTimeoutError, type KyInstance, type Options } from 'ky';
import { parseJson, toJson, type JsonValue } from '../chain/py-json.ts';

/** Response header carrying a chainlab node's id, so a node can recognise itself among its peers. */
export const NODE_ID_HEADER = 'x-chainlab-node-id';

export interface PeerResponse {
  body: JsonValue;
  nodeId: string | undefined;
}

/**
 * Why an exchange failed, and whether the peer answered at all (a timeout or a refused connection:
 * no). `status` is the HTTP status of an answer that was an error.
 */
export interface PeerFailure {
  ok: false;
  reason: string;
  answered: boolean;
  status?: number;
}

export type PeerAnswer = { ok: true; value: PeerResponse } | PeerFailure;

/** How this node talks to its peers. A failure comes back as a reason, never as a throw. */
export interface PeerClient {
  /** GET /chain, or with `from`, GET /chain?from=N: the blocks from position N on (a reference node ignores it and sends all). */
  getChain(peer: string, from?: number): Promise<PeerAnswer>;
  /** GET /chain/tip: the peer's length and the hash of its last block (chainlab nodes only). */
  getTip(peer: string): Promise<PeerAnswer>;
  /** POSTs a JSON body (registration, gossip). */
  post(peer: string, path: string, body: JsonValue): Promise<PeerAnswer>;
}

export interface PeerClientOptions {
  /** Budget for the whole exchange, from connecting to the last byte of the body. */
  timeoutMs: number;
  /** A peer sending more than this is cut off, so a hostile peer cannot exhaust our memory. */
  maxResponseBytes?: number;
}

export function createPeerClient({ timeoutMs, maxResponseBytes = 256 * 1024 * 1024 }: PeerClientOptions): PeerClient {
  const http = ky.create({ timeout: timeoutMs, retry: 0, throwHttpErrors: true });
  const exchange = (url: string, options: Options = {}) => fetchJson(http, url, options, timeoutMs, maxResponseBytes);
  return {
    getChain: (peer, from) => exchange(from === undefined ? `http://${peer}/chain` : `http://${peer}/chain?from=${from}`),
    getTip: (peer) => exchange(`http://${peer}/chain/tip`),
    // Our own JSON writer: a float such as 5.0 must reach the peer as 5.0, or the block's hash changes.
    post: (peer, path, body) => exchange(`http://${peer}${path}`, { method: 'post', body: toJson(body), headers: { 'content-type': 'application/json' } }),
  };
}

async function fetchJson(http: KyInstance, url: string, options: Options, timeoutMs: number, maxBytes: number): Promise<PeerAnswer> {
  // ky's timeout stops at the headers; this signal also bounds a body that never finishes.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await http(url, { ...options, signal });
    const text = await readText(response, maxBytes);
    if (text === undefined) return { ok: false, reason: `response larger than ${maxBytes} bytes`, answered: true };
    const parsed = parseJson(text);
    if (!parsed.ok) return { ok: false, reason: `invalid JSON: ${parsed.reason}`, answered: true };
    return { ok: true, value: { body: parsed.value, nodeId: response.headers.get(NODE_ID_HEADER) ?? undefined } };
  } catch (error) {
    return describeFailure(error, signal, timeoutMs);
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
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFailure(error: unknown, signal: AbortSignal, timeoutMs: number): PeerFailure {
  if (isTimeoutError(error) || signal.aborted) return { ok: false, reason: `timeout: no complete answer within ${timeoutMs} ms`, answered: false };
  if (isHTTPError(error)) return { ok: false, reason: `HTTP ${error.response.status}`, answered: true, status: error.response.status };
  return { ok: false, reason: `unreachable: ${rootCause(error)}`, answered: false };
}

/** fetch hides the socket's error (ECONNREFUSED, ENOTFOUND) a few `cause`s deep. */
function rootCause(error: unknown): string {
  let current = error as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
  while (current?.cause !== undefined && typeof current.code !== 'string') current = current.cause as typeof current;
  const code = typeof current?.code === 'string' ? current.code : undefined;
  const message = typeof current?.message === 'string' ? current.message : String(current);
  return code !== undefined && !message.includes(code) ? `${code} ${message}` : message;
}
