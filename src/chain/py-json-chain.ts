/**
 * A chain body (`{"chain": [...], "length": N}`) read at native speed, for parseJson's keepTexts:
 * JSON.parse does the reading, and a compiled RegExp first proves that every block is in the one
 * shape the reference and these nodes write, where JSON.parse reads exactly what json.loads reads:
 *
 *   {"index":INT,"previous_hash":"64 hex digits" or INT,"proof":INT,"timestamp":FLOAT,
 *    "transactions":[{NAME:STRING or INT,...},...]}
 *
 * INT has at most 15 digits and no -0 (a double holds it exactly); STRING is printable ASCII
 * without '"', '\\', ',' or ':' (no escape to decode, nothing for spacedBytes to space); NAME is
 * such a string that starts with a letter: never an index, which JS would put first, and never
 * "__proto__". The timestamp, the one float, is read again as py-json-numbers.ts reads it (a
 * float even when integral, and whether repr() writes it so). Such a body's values are then the parser's to the
 * last bit, and so is each block's kept text: kept unless its transactions' names are out of
 * order or repeated, as the parser would find. A body with anything else (an escape, a float
 * amount, another field, whitespace) is left to the parser (py-json-parse.ts): undefined here.
 * test/chain/py-json-chain.test.ts holds the two to the same values and texts.
 *
 * 10,000 blocks: 50 to 80 ms in a fresh process, where the parser takes 90 to 118.
 */
import { NumberReader } from './py-json-numbers.ts';
import { MAX_SHARED, MAX_SHARED_LENGTH } from './py-json-strings.ts';
import type { JsonObject, JsonValue } from './py-json.ts';
import { rememberText } from './py-json-texts.ts';

const INT = '(?:0|-?[1-9][0-9]{0,14})';
const STRING = '"[ !#-+\\--9;-\\[\\]-~]*"';
const NAME = '"[A-Za-z][A-Za-z0-9_]*"';
const FLOAT = '-?(?:0|[1-9][0-9]*)\\.[0-9]+';
const TRANSACTION = `\\{${NAME}:(?:${STRING}|${INT})(?:,${NAME}:(?:${STRING}|${INT}))*\\}`;
const BLOCK = new RegExp(
  `\\{"index":${INT},"previous_hash":(?:"[0-9a-f]{64}"|${INT}),"proof":${INT},"timestamp":${FLOAT},` +
    `"transactions":\\[(?:${TRANSACTION}(?:,${TRANSACTION})*)?\\]\\}`,
  'y',
);
/** What may follow the blocks: more integer fields ("from", "length"), and the end of the text. */
const TAIL = new RegExp(`\\](?:,${NAME}:${INT})*\\}$`, 'y');
const HEAD = '{"chain":[';
/** The ':' of a block's own five fields; each other ':' in its text is one of a transaction's. */
const BLOCK_FIELDS = 5;
const TIMESTAMP = '"timestamp":';

/** The value of `text`, with each canonical block's text kept, if it is a chain body in the shape above. */
export function readChainBody(text: string): JsonValue | undefined {
  const spans = blockSpans(text);
  // V8 keeps the last subject a RegExp matched (RegExp.input): not a body that may be let go.
  FORGET.test('');
  if (spans === undefined) return undefined;
  const document = JSON.parse(text) as JsonObject;
  const blocks = document.chain;
  // A later "chain" field would have replaced the blocks: the parser sees that too.
  if (!Array.isArray(blocks) || blocks.length !== spans.length / 2) return undefined;
  const numbers = new NumberReader(text, true);
  const shared = new Map<string, string>();
  // Each ':' of the body is a property ("chain", those after the blocks, each block's and each of
  // its transactions'): a name given twice is one property, so the count of them falls short.
  let properties = 1 + count(text.slice(spans.at(-1) ?? HEAD.length), ':');
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as JsonObject;
    const start = spans[2 * i]!;
    block.timestamp = numbers.read(text.indexOf(TIMESTAMP, start) + TIMESTAMP.length)!;
    let canonical = numbers.canonical;
    properties += BLOCK_FIELDS;
    for (const transaction of block.transactions as JsonObject[]) {
      const names = propertyCount(transaction, shared);
      if (names < 0) canonical = false;
      properties += Math.abs(names);
    }
    // Kept at once: if the count below fails, the whole document is let go, texts and all.
    if (canonical) rememberText(block, text.slice(start, spans[2 * i + 1]), true);
  }
  return properties === count(text, ':') ? document : undefined;
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

/**
 * How many properties `transaction` has: negative if their names are out of the order toJson
 * writes them in. Its short strings are swapped for the copy met first, as the parser shares them.
 */
function propertyCount(transaction: JsonObject, shared: Map<string, string>): number {
  let previous = '';
  let names = 0;
  let inOrder = true;
  for (const name in transaction) {
    if (!(previous < name)) inOrder = false;
    previous = name;
    names++;
    const value = transaction[name];
    if (typeof value !== 'string' || value.length > MAX_SHARED_LENGTH) continue;
    const known = shared.get(value);
    if (known !== undefined) transaction[name] = known;
    else if (shared.size < MAX_SHARED) shared.set(value, value);
  }
  return inOrder ? names : -names;
}

/** How many times `char` occurs in `text`: one pass of V8's own, not one call per occurrence. */
function count(text: string, char: string): number {
  return text.length - text.replaceAll(char, '').length;
}
