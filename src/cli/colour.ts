import type { CliIo } from './commands/common.ts';

/** Paints text for a terminal: each tone is a plain function, so it can be passed around on its own. */
export interface Painter {
  ok: (text: string) => string;
  bad: (text: string) => string;
  dim: (text: string) => string;
  bold: (text: string) => string;
}

const plain = (text: string) => text;
const ansi =
  (open: number, close: number) =>
  (text: string): string =>
    `\x1b[${open}m${text}\x1b[${close}m`;

/** ANSI colours when `io.colour` is true (main.ts: stdout is a TTY, NO_COLOR unset); otherwise text as it is. */
export function painter(io: Pick<CliIo, 'colour'>): Painter {
  if (io.colour !== true) return { ok: plain, bad: plain, dim: plain, bold: plain };
  return { ok: ansi(32, 39), bad: ansi(31, 39), dim: ansi(2, 22), bold: ansi(1, 22) };
}

// C0 and C1 controls, DEL included: what a terminal would act on instead of show.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A value a node sent, fit for a terminal: as text, its control characters (an escape sequence that
 * would recolour or clear the screen, a newline that would fake another line) shown as `?`, and cut
 * to `max` characters with `…`.
 */
export function printable(value: unknown, max: number): string {
  const text = (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))).replace(CONTROLS, '?');
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The first 12 characters of a hash a node sent, fit for a terminal; `?` when it is no string. */
export const short = (hash: unknown): string => (typeof hash === 'string' ? printable(hash.slice(0, 12), 12) : '?');

// What valid JSON may hold raw only inside a string and a terminal would act on: DEL, C1 (CSI is U+009B).
// Raw C0 controls other than whitespace are not valid JSON at all, but are caught too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const JSON_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** A node's JSON text with its terminal controls as \u escapes: the same JSON value, and plain text stays byte for byte. */
export const terminalSafeJson = (text: string): string =>
  text.replace(JSON_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
