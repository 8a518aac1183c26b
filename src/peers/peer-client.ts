import ky, { type KyInstance, type Options } from 'ky';
import { toJson, type JsonValue } from '../chain/py-json.ts';
import { parseJson } from '../chain/py-json-parse.ts';
import { ExchangeDeadline } from './exchange-deadline.ts';
import { readBody } from './read-body.ts';

export { ExchangeDeadline } from './exchange-deadline.ts';

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

/** How one request is made. */
export interface RequestOptions {
  /**
   * The exchange this request is part of: every request made with the same deadline shares it, so
   * a peer slow to answer each of several requests cannot stretch the exchange past one timeout.
   * Without one, the request is an exchange of its own.
   */
  deadline?: ExchangeDeadline;
}

/** How this node talks to its peers. A failure comes back as a reason, never as a throw. */
export interface PeerClient {
  /** GET /chain, or with `from`, GET /chain?from=N: the blocks from position N on (a reference node ignores it and sends all). */
  getChain(peer: string, from?: number, options?: RequestOptions): Promise<PeerReply>;
  /** GET /chain/tip: the peer's length and the hash of its last block (chainlab nodes only). */
  getTip(peer: string, options?: RequestOptions): Promise<PeerReply>;
  /** POSTs a JSON body (registration, gossip). */
  post(peer: string, path: string, body: JsonValue, options?: RequestOptions): Promise<PeerReply>;
}

export interface PeerClientOptions {
  /** Budget for the whole exchange, from connecting to the last byte of the body of its last request. */
  timeoutMs: number;
  /** A peer sending more than this is cut off, so a hostile peer cannot exhaust our memory. */
  maxResponseBytes?: number;
  /**
   * This node's id, sent in NODE_ID_HEADER with every request, so a peer with LAB=on can tell which
   * node asks (src/lab/inbound.ts). Without it the requests are a client's.
   */
  nodeId?: string;
}

/** A PeerClient that can also GET any path: what the lab's relay confirms a command with. */
export interface PeerRequester extends PeerClient {
  get(peer: string, path: string, options?: RequestOptions): Promise<PeerReply>;
}

export function createPeerClient({ timeoutMs, maxResponseBytes = 256 * 1024 * 1024, nodeId }: PeerClientOptions): PeerRequester {
  // No timeout of ky's (the deadline is ours), no retries inside an exchange, and error statuses as
  // values: ky would read an error's body, up to 10 MiB, past any deadline. No redirects either: a
  // peer must not be able to point this node at another host (a reflector aimed at any host:port).
  const headers = nodeId === undefined ? {} : { [NODE_ID_HEADER]: nodeId };
  const http = ky.create({ timeout: false, retry: 0, throwHttpErrors: false, redirect: 'manual', headers });
  const limits = { timeoutMs, maxBytes: maxResponseBytes };
  return {
    get: (peer, path, options) => exchange(http, { method: 'GET', peer, path }, limits, options),
    getChain: (peer, from, options) =>
      exchange(http, { method: 'GET', peer, path: from === undefined ? '/chain' : `/chain?from=${from}` }, limits, options),
    getTip: (peer, options) => exchange(http, { method: 'GET', peer, path: '/chain/tip' }, limits, options),
    post: (peer, path, body, options) => exchange(http, { method: 'POST', peer, path, body }, limits, options),
  };
}

interface PeerRequest {
  method: 'GET' | 'POST';
  peer: string;
  /** With the query, if any. */
  path: string;
  body?: JsonValue;
}

interface Limits {
  timeoutMs: number;
  maxBytes: number;
}

/** One request under the exchange's deadline, or under one of its own. */
async function exchange(http: KyInstance, request: PeerRequest, limits: Limits, options: RequestOptions = {}): Promise<PeerReply> {
  const deadline = options.deadline ?? new ExchangeDeadline();
  const budgetMs = deadline.start(limits.timeoutMs);
  try {
    return await fetchJson(http, request, { budgetMs, maxBytes: limits.maxBytes }, deadline);
  } finally {
    if (options.deadline === undefined) deadline[Symbol.dispose]();
  }
}

async function fetchJson(
  http: KyInstance,
  request: PeerRequest,
  { budgetMs, maxBytes }: { budgetMs: number; maxBytes: number },
  deadline: ExchangeDeadline,
): Promise<PeerReply> {
  const { method, peer, path } = request;
  // Every reason names the request first, as ky's errors do.
  const fail = (reason: string, answered: boolean, status?: number): PeerFailure => ({
    ok: false,
    reason: `${method} ${peer}${path}: ${reason}`,
    answered,
    ...(status === undefined ? {} : { status }),
  });
  const timedOut = () => fail(`timeout after ${budgetMs} ms`, false);
  const init = encode(request.body);
  if (!init.ok) return fail(init.reason, false);
  if (deadline.passed) return timedOut();
  try {
    const pending = http(`http://${peer}${path}`, { ...init.options, method, signal: deadline.signal });
    // The race, not only the signal, bounds the headers: the signal fetch follows is a derived one.
    const response = await Promise.race([pending, deadline.expiry().then(() => undefined)]);
    if (response === undefined) {
      // An answer that comes after all is let go.
      void pending.then(
        (late) => late.body?.cancel().catch(() => undefined),
        () => undefined,
      );
      return timedOut();
    }
    if (!response.ok) {
      void response.body?.cancel().catch(() => undefined);
      return fail(`HTTP ${response.status}`, true, response.status);
    }
    const read = await readBody(response, maxBytes, deadline.signal);
    if (!read.ok) return read.why === 'stopped' ? timedOut() : fail(`response larger than ${maxBytes} bytes`, true);
    const parsed = parseJson(read.text, { keepTexts: true });
    if (!parsed.ok) return fail(`invalid JSON: ${parsed.reason}`, true);
    return { ok: true, value: { body: parsed.value, nodeId: response.headers.get(NODE_ID_HEADER) ?? undefined } };
  } catch (error) {
    if (deadline.passed) return timedOut();
    return fail(`unreachable (${rootCause(error)})`, false);
  }
}

/**
 * The request's body in our own JSON writer (a float such as 5.0 must reach the peer as 5.0, or the
 * block's hash changes), or why it cannot be written: a body too large for a string is a failure
 * of this exchange, not of the process.
 */
function encode(body: JsonValue | undefined): { ok: true; options: Options } | { ok: false; reason: string } {
  if (body === undefined) return { ok: true, options: {} };
  try {
    return { ok: true, options: { body: toJson(body), headers: { 'content-type': 'application/json' } } };
  } catch (error) {
    return { ok: false, reason: `cannot write the body as JSON (${error instanceof Error ? error.message : String(error)})` };
  }
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
