/**
 * A chain body (`{"chain": [...], "length": N}`) read at native speed, for parseJson's keepTexts:
 * JSON.parse does the reading, and a compiled RegExp first proves that every block is in the one
 * shape the reference and these nodes write, where JSON.parse reads exactly what json.loads reads:
 *
 *   {"index":INT,"previous_hash":"64 hex digits" or INT,"proof":INT,"timestamp":FLOAT,
 *    "transactions":[{"amount":VALUE,"id":VALUE,"nonce":VALUE,"recipient":VALUE,"sender":VALUE,
 *                     "signature":VALUE},...]}
 *
 * where a transaction has "amount" and any of the other names, each once and in that order (the
 * order toJson writes them in): every transaction a node makes, the reference's included. VALUE is
 * STRING or INT. INT has at most 15 digits and no -0 (a double holds it exactly); STRING is
 * printable ASCII without '"', '\\', ',' or ':' (no escape to decode, nothing for spacedBytes to
 * space). Names from a fixed list, in order, cannot be repeated, out of order, an index (which JS
 * would put first) or "__proto__": the text is toJson's text of what JSON.parse reads, with nothing
 * to count or sort. The timestamp, the one float, is read again as py-json-numbers.ts reads it (a
 * float even when integral, and whether repr() writes it so); a block's text is kept when it is.
 * A body with anything else (an escape, a float amount, another field or name, whitespace) is left
 * to the parser (py-json-parse.ts): undefined here. test/chain/py-json-chain.test.ts holds the
 * two to the same values and texts.
 *
 * 10,000 blocks, in a fresh process: 42 ms at best and 63 the median of 11, where the parser takes
 * 69 and 90 (2026-12-03, on the bench's machine).
 */
import { NumberReader } from './py-json-numbers.ts';
import { MAX_SHARED, MAX_SHARED_LENGTH } from './py-json-strings.ts';
import type { JsonObject, JsonValue } from './py-json.ts';
import { rememberText } from './py-json-texts.ts';

const INT = '(?:0|-?[1-9][0-9]{0,14})';
const STRING = '"[ !#-+\\--9;-\\[\\]-~]*"';
const VALUE = `(?:${STRING}|${INT})`;
const FLOAT = '-?(?:0|[1-9][0-9]*)\\.[0-9]+';
/** The names a transaction may have besides "amount", in toJson's order (see signed-rules.ts for nonce and signature). */
const LATER_NAMES = ['id', 'nonce', 'recipient', 'sender', 'signature'];
const TRANSACTION = `\\{"amount":${VALUE}${LATER_NAMES.map((name) => `(?:,"${name}":${VALUE})?`).join('')}\\}`;
const BLOCK = new RegExp(
  `\\{"index":${INT},"previous_hash":(?:"[0-9a-f]{64}"|${INT}),"proof":${INT},"timestamp":${FLOAT},` +
    `"transactions":\\[(?:${TRANSACTION}(?:,${TRANSACTION})*)?\\]\\}`,
  'y',
);
/** What may follow the blocks: GET /chain's "length", and "from" before it in an answer to ?from=N; then the end. */
const TAIL = new RegExp(`\\](?:,"from":${INT})?(?:,"length":${INT})?\\}$`, 'y');
const HEAD = '{"chain":[';
const TIMESTAMP = '"timestamp":';

/** The value of `text`, with each canonical block's text kept, if it is a chain body in the shape above. */
export function readChainBody(text: string): JsonValue | undefined {
  const spans = blockSpans(text);
  // V8 keeps the last subject a RegExp matched (RegExp.input): not a body that may be let go.
  FORGET.test('');
  if (spans === undefined) return undefined;
  const document = JSON.parse(text) as JsonObject;
  const blocks = document.chain;
  // Defence only: TAIL admits no second "chain", which would have replaced the blocks.
  if (!Array.isArray(blocks) || blocks.length !== spans.length / 2) return undefined;
  const numbers = new NumberReader(text, true);
  const shared = new Map<string, string>();
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as JsonObject;
    const start = spans[2 * i]!;
    block.timestamp = numbers.read(text.indexOf(TIMESTAMP, start) + TIMESTAMP.length)!;
    for (const transaction of block.transactions as JsonObject[]) shareStrings(transaction, shared);
    if (numbers.canonical) rememberText(block, text.slice(start, spans[2 * i + 1]), true);
  }
  return document;
}

const FORGET = /(?:)/;

/** Where each block's text starts and ends, in pairs, if the body is in the shape above. */
function blockSpans(text: string): number[] | undefined {
  if (!text.startsWith(HEAD)) return undefined;
  const spans: number[] = [];
  let pos = HEAD.length;
  if (text.charCodeAt(pos) !== 0x5d) {
    for (;;) {
      BLOCK.lastIndex = pos;
      if (!BLOCK.test(text)) return undefined;
      spans.push(pos, BLOCK.lastIndex);
      pos = BLOCK.lastIndex;
      if (text.charCodeAt(pos) !== 0x2c) break;
      pos++;
    }
  }
  TAIL.lastIndex = pos;
  return TAIL.test(text) ? spans : undefined;
}

/** Swaps `transaction`'s short strings for the copy met first, as the parser shares them. */
function shareStrings(transaction: JsonObject, shared: Map<string, string>): void {
  for (const name in transaction) {
    const value = transaction[name];
    if (typeof value !== 'string' || value.length > MAX_SHARED_LENGTH) continue;
    const known = shared.get(value);
    if (known !== undefined) transaction[name] = known;
    else if (shared.size < MAX_SHARED) shared.set(value, value);
  }
}
