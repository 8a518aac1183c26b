/**
 * A short text read by JSON.parse, where JSON.parse reads it exactly as json.loads does: a
 * transaction's body (POST /transactions/new, some 60 bytes) costs the general parser
 * (py-json-parse.ts) its set-up, several times what reading it costs JSON.parse.
 *
 * The two read every JSON text alike but for numbers: json.loads makes an int of a token without
 * '.' or an exponent, exact however long (JSON.parse: a double), and a float of any other, even
 * an integral one (PyFloat here: JSON.parse's 5.0 is 5); and Python has no int -0. So a text
 * where no number has a fraction or an exponent, none runs to 16 digits (15 are exact in a
 * double) and none starts '-0' is read alike. A number token in JSON only ever comes first, or
 * after '[', ',' or ':' and whitespace: numbers are looked for there, strings included, so a
 * string that merely looks like one (`"at:5.0"`) sends the text to the parser, which is never
 * wrong, while a hex address (`"d4ee26e"`, where a digit is followed by 'e'), as the notebook's
 * senders are, does not. Duplicate names (the last one
 * wins, where the first was), "__proto__" (an own property, not the prototype) and escapes
 * (lone surrogates kept) are alike already. What JSON.parse refuses (NaN, Infinity, any error)
 * also goes to the parser, for its value or its reason.
 *
 * Only a text of at most MAX_SHORT characters: it cannot nest deeper than half of that, within
 * the parser's MAX_DEPTH, which whatever walks a value (writers, validation) relies on.
 */
import type { JsonValue } from './py-json.ts';

const MAX_SHORT = 1024;
/** A number token that JSON.parse may read otherwise than json.loads, where a token can start. */
const READ_OTHERWISE = /(?:^|[[,:])[\t\n\r ]*(?:-0|-?\d+[.eE]|-?\d{16})/;

/** The value of `text` as json.loads reads it, if JSON.parse reads it so; undefined for the parser to read. */
export function readShortText(text: string): JsonValue | undefined {
  if (text.length > MAX_SHORT || READ_OTHERWISE.test(text)) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
