import { pino, type Logger as PinoLogger } from 'pino';
import type { Logger } from './log.ts';

/** What a finished request's line says, besides its level, time, bindings and message: in this order. */
export interface RequestFields {
  req_id: string;
  method: string;
  url: string;
  status: number;
  ms: number;
}

/** Logs one finished request at `level`: `log[level](fields, msg)`, to the letter. */
export type RequestLineWriter = (level: 'debug' | 'info', fields: RequestFields, msg: string) => void;

/** Loggers made by createLogger: no mixin, formatter, hook or redaction, so their lines can be written here. */
const plainLoggers = new WeakSet<object>();

/** Marks `log`, made by createLogger, as one whose request lines requestLineWriter may write itself. */
export function markPlain(log: PinoLogger): PinoLogger {
  plainLoggers.add(log);
  return log;
}

const { chindingsSym, lsCacheSym, needsMetadataGsym, streamSym, timeSym } = pino.symbols;

/** The parts of a pino logger a line is made of, read through `pino.symbols`, pino's interface for integrations. */
interface LoggerParts {
  /** `{"level":30`, by level value. */
  levelPrefix(value: number): string;
  /** `,"time":"…"`, from the logger's timestamp function. */
  time(): string;
  /** The logger's bindings: `,"pid":1,"hostname":"…"` and a child's. */
  bindings(): string;
  /** Whether the stream wants pino's metadata (the line's level, object, message) set before each write, as multistream does. */
  needsMetadata(): boolean;
  write(line: string): void;
}

function partsOf(log: PinoLogger): LoggerParts {
  const parts = log as unknown as Record<symbol, unknown>;
  // Read on every line, as pino reads them: a level or bindings set later show.
  return {
    levelPrefix: (value) => (parts[lsCacheSym] as Record<number, string>)[value]!,
    time: () => (parts[timeSym] as (this: PinoLogger) => string).call(log),
    bindings: () => parts[chindingsSym] as string,
    needsMetadata: () => (parts[streamSym] as Record<symbol, unknown>)[needsMetadataGsym] === true,
    write: (line) => (parts[streamSym] as { write(line: string): void }).write(line),
  };
}

/**
 * The request log's writer for `log`. A line per request is the busiest log there is: for a
 * logger of createLogger's it is written here in one template, exactly as pino would write it
 * (its level, time and bindings are pino's own, read through `pino.symbols`; strings quoted as
 * JSON.stringify quotes them, as pino does for any string a request can bring: Node's parser
 * takes no url past ASCII), without pino's generic walk over the fields (about 3 µs a line, on
 * every request). Any other logger, or a stream that routes by level, goes through pino.
 */
export function requestLineWriter(log: Logger): RequestLineWriter {
  if (!plainLoggers.has(log)) return (level, fields, msg) => log[level](fields, msg);
  const pinoLog = log as PinoLogger;
  const parts = partsOf(pinoLog);
  const { values } = pino.levels;
  return (level, fields, msg) => {
    const value = values[level]!;
    if (value < pinoLog.levelVal) return;
    // Such a stream routes each line by what pino tells it, which only pino's own write does.
    if (parts.needsMetadata()) return log[level](fields, msg);
    const { req_id, method, url, status, ms } = fields;
    parts.write(
      `${parts.levelPrefix(value)}${parts.time()}${parts.bindings()},"req_id":${JSON.stringify(req_id)},"method":${JSON.stringify(method)},"url":${JSON.stringify(url)},"status":${status},"ms":${ms},"msg":${JSON.stringify(msg)}}\n`,
    );
  };
}
