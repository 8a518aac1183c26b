import { pino, type DestinationStream, type LevelWithSilent, type Logger as PinoLogger } from 'pino';
import { batchedOutput } from './batched-output.ts';
import { boundedError } from './bounded-error.ts';
import { prettyStream } from './pretty-log.ts';
import { markPlain } from './request-line.ts';

/**
 * Where the node reports what it does: one JSON line per request and per peer failure. Only the
 * methods the node uses, so any pino logger (or a child of one) will do.
 */
export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error' | 'child'>;

/** How log lines are written: JSON for machines (the default), or one plain line for a person. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** A JSON-lines logger to standard output (or `destination`), at `level`; an `err` is logged bounded (see boundedError). */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): PinoLogger {
  return markPlain(pino({ level, timestamp: isoTimeOncePerMs(), serializers: { err: boundedError } }, destination));
}

/**
 * pino's isoTime, formatted once per millisecond rather than once per line: a busy node writes
 * several lines a millisecond, and formatting the date was a tenth of what each line cost.
 */
function isoTimeOncePerMs(): () => string {
  let ms = NaN;
  let time = '';
  return () => {
    const now = Date.now();
    if (now !== ms) {
      ms = now;
      time = `,"time":"${new Date(now).toISOString()}"`;
    }
    return time;
  };
}

/**
 * Standard output in `format`, its lines written in batches (see batchedOutput): JSON as is, or
 * through the pretty formatter, naming `nodeId` on every line. The formatter runs in this thread:
 * a transport (pino-pretty) would bring a worker thread and a dozen packages for a few lines of
 * formatting.
 */
export function stdoutIn(format: LogFormat, nodeId: string | undefined): DestinationStream {
  // A fatal line is out before process.exit returns: batchedOutput writes what it holds on exit.
  const stdout = batchedOutput(1);
  return format === 'json' ? stdout : prettyStream(stdout, { name: nodeId });
}

/** For tests: logs nothing. */
export const silentLogger: Logger = pino({ enabled: false });

/** An error's message; not by `instanceof Error`, which fails for errors from another realm (a vm context). */
export function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}
