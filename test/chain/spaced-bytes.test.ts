import { hash } from 'node:crypto';
import { measureBlock, measureWithin, rememberMeasure, shareHash } from '../../src/chain/block-hash-cache.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { canonicalJson, toJson, type JsonObject } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { knownCanonicalBytes, spacedBytes } from '../../src/chain/py-json-texts.ts';
import { seededRandom, type Random } from '../support/random.ts';

/** A string of `length` characters drawn from `alphabet`. */
function randomText(random: Random, length: number, alphabet: string): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe("spacedBytes: canonicalJson's spaces put back into bytes", () => {
  const spacedByRegex = (text: string): Buffer => Buffer.from(text.replace(/[,:]/g, '$& '), 'latin1');

  test('equals the regex-spaced text on random texts thick with separators, of every length from 0 to 200', () => {
    const random = seededRandom(1);
    for (const alphabet of [',:', ',:ab', '{"a":1,"b":[2,3]}', PRINTABLE]) {
      for (let length = 0; length <= 200; length++) {
        const text = randomText(random, length, alphabet);
        expect(Buffer.from(spacedBytes(text)!)).toEqual(spacedByRegex(text));
      }
    }
  });

  test('equals it on texts larger than the scratch it keeps, and on small ones after them', () => {
    const random = seededRandom(2);
    for (const length of [2047, 2049, 5000, 40_000, 100_000, 10]) {
      const text = randomText(random, length, '{"k":12,[]}');
      expect(Buffer.from(spacedBytes(text)!)).toEqual(spacedByRegex(text));
    }
  });

  test('refuses text past ASCII, which no kept text holds', () => {
    for (const text of ['é', 'a,b:é', `${','.repeat(100)}\u0100`, '\ud800']) expect(spacedBytes(text)).toBeUndefined();
  });
});

/** The blocks of `{"chain": [...]}` parsed as a peer's chain is, keeping their texts. */
function parsedBlocks(blocks: JsonObject[]): JsonObject[] {
  const parsed = parseJson(toJson({ chain: blocks, length: blocks.length }), { keepTexts: true });
  if (!parsed.ok) throw new Error(parsed.reason);
  return (parsed.value as { chain: JsonObject[] }).chain;
}

describe("a peer's block measured from its kept text", () => {
  const blockchain = new Blockchain();
  blockchain.apply({ type: 'transaction', transaction: { sender: 'alice', recipient: 'bob', amount: 5.5, id: 'a1' } });
  blockchain.apply({ type: 'block', block: blockchain.forgeBlock(35293, 1796193054.4676757, 'miner', 1 << 20) });
  const chain = [...blockchain.chain] as unknown as JsonObject[];

  test('has the hash and size of its canonical JSON, and is never over a limit it fits', () => {
    // Expected from the node's own blocks, never parsed: no kept text can stand in for their JSON.
    for (const [i, block] of parsedBlocks(chain).entries()) {
      const canonical = canonicalJson(chain[i]!);
      expect(Buffer.from(knownCanonicalBytes(block, Infinity)!).toString('latin1')).toBe(canonical);
      expect(measureWithin(block, canonical.length)).toEqual({ hash: hashBlock(chain[i]!), bytes: canonical.length });
      expect(measureWithin(block, canonical.length - 1)).toBeUndefined();
    }
  });

  test('remembered, is given back whole: the hash stamped alone, the size counted from the kept text', () => {
    for (const [i, block] of parsedBlocks(chain).entries()) {
      const expected = { hash: hashBlock(chain[i]!), bytes: canonicalJson(chain[i]!).length };
      rememberMeasure(block, measureWithin(block, Infinity)!);
      expect(measureBlock(block)).toEqual(expected);
      // The next block's previous_hash, an equal string, in place of the block's own.
      shareHash(block, [...expected.hash].join(''));
      expect(measureBlock(block)).toEqual(expected);
    }
    const [unspaceable] = parsedBlocks([{ a: 'x:y' }]);
    const measure = { hash: hash('sha256', canonicalJson(unspaceable!)), bytes: canonicalJson(unspaceable!).length };
    rememberMeasure(unspaceable!, measure);
    expect(measureBlock(unspaceable!)).toEqual(measure);
  });

  test('is measured as before when no text was kept, or its text cannot be spaced', () => {
    const [spaced] = parsedBlocks([{ a: 'x:y', b: [1, 2] }]);
    for (const block of [chain[1]!, spaced!]) {
      expect(knownCanonicalBytes(block, Infinity)).toBeUndefined();
      const canonical = canonicalJson(block);
      expect(measureWithin(block, canonical.length)).toEqual({ hash: hash('sha256', canonical), bytes: canonical.length });
      expect(measureWithin(block, canonical.length - 1)).toBeUndefined();
    }
  });

  test('is over a limit its compact text fits but its canonical JSON does not', () => {
    const [block] = parsedBlocks([{ a: 1, b: 2 }]);
    expect(knownCanonicalBytes(block!, toJson(block!).length)).toBeUndefined();
    expect(knownCanonicalBytes(block!, canonicalJson(block!).length)).toBeDefined();
  });
});
