import { writeSync } from 'node:fs';
import { pino, type DestinationStream } from 'pino';

/** How long a line may wait for others to share its write: too short to see, long enough to batch a busy node's lines. */
export const BATCH_DELAY_MS = 10;

/** A batch this large is written at once, without waiting for the delay. */
export const BATCH_BYTES = 16_384;

export interface BatchedOutput extends DestinationStream {
  /** Writes out, synchronously, every line taken so far. */
  flushSync(): void;
}

/**
 * Log lines to `fd` (standard output by default), gathered for up to BATCH_DELAY_MS and written
 * together. Pino's own stdout writes each line as it comes, one write(2) per line: with a line per
 * request, those writes cost a busy node more than the requests did. Nothing is lost on the way
 * out: when the process exits (process.exit, a fatal error, the end of the event loop), what is
 * still gathered is written synchronously.
 */
export function batchedOutput(fd = 1): BatchedOutput {
  // Asynchronous: a slow reader (a full pipe) never stalls the event loop; pino flushes it on exit.
  const out = pino.destination({ dest: fd, sync: false });
  let gathered = '';
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(timer);
    timer = undefined;
    if (gathered === '') return;
    out.write(gathered);
    gathered = '';
  };
  // At exit there is no event loop left to finish an asynchronous write: what `out` holds goes
  // first, then what is still gathered, both synchronously. pino's exit handler flushes `out`
  // too, before this one (it was registered first).
  const flushSync = () => {
    clearTimeout(timer);
    timer = undefined;
    out.flushSync();
    writeAllSync(fd, gathered);
    gathered = '';
  };
  process.once('exit', () => {
    if (gathered !== '') flushSync();
  });
  return {
    write(line: string) {
      gathered += line;
      if (gathered.length >= BATCH_BYTES) release();
      else timer ??= setTimeout(release, BATCH_DELAY_MS).unref();
    },
    flushSync,
  };
}

/** Writes all of `text` to `fd`, however many writes it takes; a full non-blocking pipe is waited out. */
function writeAllSync(fd: number, text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EAGAIN') throw error;
    }
  }
}
