import { pino, type DestinationStream, type LevelWithSilent, type Logger as PinoLogger } from 'pino';

/**
 * Where the node reports what it does: one JSON line per request and per peer failure. Only the
 * methods the node uses, so any pino logger (or a child of one) will do.
 */
export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error' | 'child'>;

/** A JSON-lines logger to standard output (or `destination`), at `level`. */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): PinoLogger {
  return pino({ level, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** For tests: logs nothing. */
export const silentLogger: Logger = pino({ enabled: false });
