// What a parsed value keeps alive: the strings in it must not hold on to the body they came from.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import type { JsonValue } from '../../src/chain/py-json.ts';

// Jest runs without --expose-gc; the flag set now gives a new context its gc().
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

const MB = 1024 * 1024;
/** Whitespace the parse walks past and must not keep: far more than the values parsed from it. */
const PADDING = 32 * MB;

function heapUsedAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** heapUsed after a full GC, before and after `text` is let go while the value parsed from it is kept. */
function retainedBody(makeText: () => string): { freed: number; value: JsonValue } {
  let text: string | undefined = makeText();
  const before = heapUsedAfterGc();
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  text = undefined;
  return { freed: before - heapUsedAfterGc(), value: parsed.value };
}

/** Built piece by piece and joined (a flat string, as a body read from a socket is), then padded. */
function body(items: string[]): string {
  const text = `[${items.join(',')}${' '.repeat(PADDING)}]`;
  text.charCodeAt(0); // flattened now, so the parse cuts from one flat string
  return text;
}

describe('strings parsed from a body', () => {
  test('long plain strings (a previous_hash) do not keep the body alive', () => {
    const hashes = Array.from({ length: 2000 }, (_, i) => i.toString(16).padStart(64, '0'));
    const { freed, value } = retainedBody(() => body(hashes.map((hash) => `{"previous_hash":"${hash}"}`)));
    expect(value).toEqual(hashes.map((hash) => ({ previous_hash: hash })));
    expect(freed).toBeGreaterThan(PADDING / 2);
  });

  test('long strings with escapes do not keep the body alive either', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `line ${i}\n"quoted" \\ and \u00e9 \ud800 lone`);
    const { freed, value } = retainedBody(() => body(names.map((name) => JSON.stringify(name))));
    expect(value).toEqual(names);
    expect(freed).toBeGreaterThan(PADDING / 2);
  });

  test('a string repeated in every block (a miner address) is kept once', () => {
    const address = 'a2f1c9e04b7d4e63a8d5b6f70c1e2d3f'; // 32 characters, as the reference's node ids
    const text = `[${Array(50_000).fill(`{"recipient":"${address}"}`).join(',')}]`;
    const before = heapUsedAfterGc();
    const parsed = parseJson(text);
    const kept = heapUsedAfterGc() - before;
    expect(parsed).toEqual({ ok: true, value: Array(50_000).fill({ recipient: address }) });
    // Each object in its array costs about 64 bytes; a copy of the string for each adds about 48 more.
    expect(kept).toBeLessThan(50_000 * 88);
  });

  test('short strings are unchanged', () => {
    expect(parseJson('["", "a", "twelve chars", "thirteen char", "\\u00e9\\n"]')).toEqual({
      ok: true,
      value: ['', 'a', 'twelve chars', 'thirteen char', 'é\n'],
    });
  });
});
