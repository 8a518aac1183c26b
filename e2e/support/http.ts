import { eventually } from '../../test/support/eventually.ts';

/** A node's answer: the status and the parsed JSON body (or the raw text when it is not JSON). */
export interface Reply {
  status: number;
  body: unknown;
}

/** Long enough for a proof of work at the default difficulty on a slow CI machine. */
const REQUEST_TIMEOUT_MS = 60_000;

export async function getJson(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Reply> {
  return send(url, { method: 'GET' }, timeoutMs);
}

export async function postJson(url: string, body: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Reply> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, timeoutMs);
}

/** Posts `text` as it is: a body a node wrote (a snapshot), whose floats JSON.stringify would change. */
export async function postText(url: string, text: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Reply> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text }, timeoutMs);
}

/** The body as text, for callers that parse it with Python's number rules (src/chain/py-json.ts). */
export async function getText(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, text: await response.text() };
}

async function send(url: string, init: RequestInit, timeoutMs: number): Promise<Reply> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  return { status: response.status, body: parseOrText(text) };
}

export function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Polls `url` until it answers 200. Used where nothing else waits for readiness (a process or a
 * container started without a health check). On timeout, the error names the URL and the last answer or failure seen.
 */
export async function waitForOk(url: string, timeoutMs: number, intervalMs = 500): Promise<void> {
  await eventually(
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(intervalMs * 4) }).catch((error: unknown) => {
        throw new Error(failureOf(error));
      });
      await response.body?.cancel();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    },
    { timeoutMs, intervalMs, what: `GET ${url} to answer 200` },
  );
}

function failureOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}
