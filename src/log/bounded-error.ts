import { stdSerializers } from 'pino';

/** Most characters of one string field of a logged error (a message, a stack, a reason). */
const STRING_CHARS = 4096;
/** Most items of an array, and fields of an object, inside a logged error. */
const ITEMS = 20;
/** How deep a logged error's fields are followed (its `cause` and what that holds). */
const DEPTH = 4;

/**
 * pino's error serializer, bounded: an error may carry what a client or a peer sent (Node's HTTP
 * parser keeps the unread bytes in `rawPacket`), and the standard serializer copies every field, so
 * a Buffer of 60 KB became a 181 KB array of numbers in one log line. Here binary data is logged as
 * its size, long strings are cut, and arrays and objects are cut to their first ITEMS.
 */
export function boundedError(error: unknown): unknown {
  return bounded(stdSerializers.err(error as Error), DEPTH);
}

function bounded(value: unknown, depth: number): unknown {
  if (typeof value === 'string')
    return value.length <= STRING_CHARS ? value : `${value.slice(0, STRING_CHARS)}\u2026 (${value.length - STRING_CHARS} more characters)`;
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return { type: value.constructor.name, bytes: value.byteLength };
  if (value instanceof ArrayBuffer) return { type: 'ArrayBuffer', bytes: value.byteLength };
  if (depth === 0) return Array.isArray(value) ? `[${value.length} items]` : '[object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, ITEMS).map((item) => bounded(item, depth - 1));
    return value.length > ITEMS ? [...items, `\u2026 ${value.length - ITEMS} more`] : items;
  }
  const entries = Object.entries(value);
  const kept = entries.slice(0, ITEMS).map(([key, field]) => [key, bounded(field, depth - 1)]);
  if (entries.length > ITEMS) kept.push(['\u2026', `${entries.length - ITEMS} more fields`]);
  return Object.fromEntries(kept);
}
