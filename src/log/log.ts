import { pino, type DestinationStream, type LevelWithSilent, type Logger as PinoLogger } from 'pino';
import { boundedError } from './bounded-error.ts';
import { prettyStream } from './pretty-log.ts';

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
  return pino({ level, timestamp: pino.stdTimeFunctions.isoTime, serializers: { err: boundedError } }, destination);
}

/**
 * Standard output in `format`: undefined for JSON (pino's own stdout), else the pretty formatter
 * in front of it, naming `nodeId` on every line. The formatter runs in this thread: a transport
 * (pino-pretty) would bring a worker thread and a dozen packages for a few lines of formatting.
 */
export function stdoutIn(format: LogFormat, nodeId: string | undefined): DestinationStream | undefined {
  if (format === 'json') return undefined;
  // Synchronous, as pino's default is: a fatal line must be out before process.exit.
  return prettyStream(pino.destination({ dest: 1, sync: true }), { name: nodeId });
}

/** For tests: logs nothing. */
export const silentLogger: Logger = pino({ enabled: false });

/** An error's message; not by `instanceof Error`, which fails for errors from another realm (a vm context). */
export function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}
