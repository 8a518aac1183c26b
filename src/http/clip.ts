/** How much of a client's value a message or a log line quotes: enough to recognise it, never a megabyte. */
export const QUOTED_CHARS = 200;

/**
 * `text` cut to `max` characters, saying how many were left out, so that nothing a client sends
 * comes back (in an error, or a log line) larger than it went in. Short text is returned as it is.
 */
export function clip(text: string, max = QUOTED_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\u2026 (${text.length - max} more characters)`;
}
