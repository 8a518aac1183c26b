// LOG_FORMAT=pretty: pino's JSON records as one line a person can read,
//   12:01:02.345 INFO  node1  adopted the chain of node2:5000 (3 blocks, from block 2 on) dropped=0
// written by a destination stream of our own, so the node needs no pino-pretty (and its worker).

/** Where formatted lines go: standard output in the node, an array in the tests. */
export interface LineSink {
  write(text: string): unknown;
}

export interface PrettyOptions {
  /** Shown after the level on every line: the node's id, so interleaved logs of several nodes read apart. */
  name: string | undefined;
}

const LABELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** pino's own fields, and fields every record carries whose value a reader already knows. */
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** A pino destination: each JSON record pino writes comes out of `sink` as one formatted line. */
export function prettyStream(sink: LineSink, options: PrettyOptions): { write(record: string): void } {
  return {
    write(record) {
      sink.write(formatRecord(record, options) + '\n');
    },
  };
}

/**
 * One pino record (a line of JSON) as `HH:MM:SS.mmm LEVEL name  message key=value…`, the time in
 * the local time zone, the record's own. A line that is not JSON is passed on as it is: a log line
 * is never lost to the formatter.
 */
export function formatRecord(record: string, { name }: PrettyOptions): string {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(record) as Record<string, unknown>;
  } catch {
    return oneLine(record.trimEnd());
  }
  const message = typeof fields.msg === 'string' ? oneLine(fields.msg) : '';
  const level = (LABELS[Number(fields.level)] ?? String(fields.level)).padEnd(5);
  const extras = Object.entries(fields)
    .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && value !== undefined && !stated(message, value))
    .map(([key, value]) => `${key}=${key === 'err' ? errorText(value) : valueText(value)}`);
  const head = [clock(fields.time), level, ...(name === undefined ? [] : [`${name} `]), message].join(' ');
  return [head, ...extras].join(' ').trimEnd();
}

/** `HH:MM:SS.mmm` of an ISO time or epoch milliseconds; the record's text itself when neither. */
function clock(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) return time === undefined ? '--:--:--.---' : valueText(time);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * Characters that continue a word, a number or a path: `0` inside `5000` or `10.0.0.7` is not a word
 * of its own. A colon is not one of them: `host` and `port` are each stated by `node2:5000`.
 */
const WORD = /[\w./-]/;

/**
 * Whether the message already says `value` as a word of its own (`peer` in "adopted the chain of
 * node2:5000", `ms` in "200 0.8ms"): the line need not say it twice.
 */
function stated(message: string, value: unknown): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const text = String(value);
  if (text === '') return false;
  for (let at = message.indexOf(text); at >= 0; at = message.indexOf(text, at + 1)) {
    const before = message[at - 1] ?? ' ';
    const after = message.slice(at + text.length, at + text.length + 2);
    const ends = after === '' || !WORD.test(after[0]!) || /^\.(\s|$)/.test(after) || (typeof value === 'number' && /^[a-z]/i.test(after));
    if (!WORD.test(before) && ends) return true;
  }
  return false;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** An error as pino serialises it: its type and message, and where it was thrown. */
function errorText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return valueText(value);
  const { type, message, stack } = value as { type?: unknown; message?: unknown; stack?: unknown };
  const where = typeof stack === 'string' ? /\n\s+(at .*)/.exec(stack)?.[1] : undefined;
  const text = (part: unknown, fallback: string) => (typeof part === 'string' ? part : part === undefined ? fallback : valueText(part));
  return JSON.stringify([`${text(type, 'Error')}: ${text(message, '')}`, where].filter(Boolean).join(' '));
}

/** Line breaks and other control characters escaped, as JSON writes them: one record, one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => JSON.stringify(char).slice(1, -1));
}
