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
  // Synchronous, as pino's default for stdout is: each batch is written whole before the node goes
  // on, so what a full pipe holds back is the node (as before), never a buffer that grows without
  // bound, and nothing is half-written when the process exits. SonicBoom waits out EAGAIN itself.
  const out = pino.destination({ dest: fd, sync: true });
  let gathered = '';
  let timer: NodeJS.Timeout | undefined;
  const flushSync = () => {
    clearTimeout(timer);
    timer = undefined;
    if (gathered === '') return;
    const batch = gathered;
    gathered = '';
    out.write(batch);
  };
  // At exit there is no event loop left to run the timer: what is still gathered goes now.
  process.once('exit', flushSync);
  return {
    write(line: string) {
      gathered += line;
      if (gathered.length >= BATCH_BYTES) flushSync();
      else timer ??= setTimeout(flushSync, BATCH_DELAY_MS).unref();
    },
    flushSync,
  };
}
