/** A body read to its end, or why it was not. */
export type BodyRead = { ok: true; text: string } | { ok: false; why: 'too large' | 'stopped' };

const TOO_LARGE: BodyRead = { ok: false, why: 'too large' };
const STOPPED: BodyRead = { ok: false, why: 'stopped' };

/**
 * A response's body as text, read to its end, or why not: it grew past `maxBytes` (counted on the
 * bytes that arrive, whatever content-length says), or `signal` stopped it. The reader is cancelled
 * the moment `signal` aborts, even while it waits for a chunk that never comes: fetch's own signal
 * may have been collected by then (see ExchangeDeadline), and a peer that stalls after 25 MB must
 * not hold the exchange open.
 */
export async function readBody(response: Response, maxBytes: number, signal: AbortSignal): Promise<BodyRead> {
  const body = response.body;
  if (body === null) return { ok: true, text: '' };
  // fetch's body yields bytes; the DOM typings leave its chunks untyped.
  const reader = body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const stop = () => void reader.cancel().catch(() => undefined);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    stop();
    return TOO_LARGE;
  }
  signal.addEventListener('abort', stop, { once: true });
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      // A cancelled reader ends its pending read as done.
      const { done, value } = await reader.read();
      if (signal.aborted) return STOPPED;
      if (done) return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
      size += value.byteLength;
      if (size > maxBytes) {
        stop();
        return TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch (error) {
    if (signal.aborted) return STOPPED;
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
