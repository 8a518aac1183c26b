// Chains a hostile peer could send that the reference's valid_chain accepts, and that this node
// refuses: another genesis block, indexes that are not positions, proofs that are not the
// reference's counter, and blocks past MAX_BLOCK_BYTES. Each would pass validation without its rule.
import { createHash } from 'node:crypto';
import type { Block } from '../../src/chain/block.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { hasLeadingZeros, isValidProof } from '../../src/chain/proof-of-work.ts';
import { canonicalJson, PyFloat, pythonStr, type JsonValue } from '../../src/chain/py-json.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { validChain, validExtension } from '../../src/chain/validate.ts';
import { buildChain, copyChain, MAX_BLOCK_BYTES } from '../support/chains.ts';

const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES };
const honest = buildChain(5);

const reasonOf = (chain: JsonValue, rules = RULES) => {
  const verdict = validChain(chain, rules);
  return verdict.ok ? 'ok' : verdict.reason;
};

/**
 * A copy of the honest chain edited by `edit`, then relinked: each previous_hash is the hash of the
 * block before it again. The notebook's proofs do not cover the blocks, so every rule the
 * reference's valid_chain reads still holds.
 */
function forged(edit: (blocks: Block[]) => void): Block[] {
  const blocks = copyChain(honest);
  edit(blocks);
  for (let i = 1; i < blocks.length; i++) blocks[i]!.previous_hash = hashBlock(blocks[i - 1]!);
  return blocks;
}

describe('the genesis block: exactly the one the reference makes, with any timestamp', () => {
  test('a genesis block from a reference node, stamped with its own time, is accepted', () => {
    for (const timestamp of [1_795_493_718.5428212, 1_795_493_718, new PyFloat(1_795_493_718)]) {
      expect(reasonOf(forged((blocks) => (blocks[0]!.timestamp = timestamp)))).toBe('ok');
    }
  });

  test.each<[string, (genesis: Block) => void, string]>([
    [
      'a genesis that pays the attacker',
      (genesis) => (genesis.transactions = [{ sender: '0', recipient: 'attacker', amount: 1_000_000 }]),
      'transactions is an array of 1, not []',
    ],
    [
      'a genesis with a field of its own',
      (genesis) => (genesis.note = 'mine'),
      'it has a field "note" besides index, timestamp, transactions, proof, previous_hash',
    ],
    ['a genesis with index 0', (genesis) => (genesis.index = 0), 'index is 0, not 1'],
    ['a genesis whose proof is a string', (genesis) => (genesis.proof = '100'), 'proof is "100", not 100'],
    ['a genesis whose previous_hash is a string', (genesis) => (genesis.previous_hash = '1'), 'previous_hash is "1", not 1'],
    ['a genesis with a timestamp that is not a number', (genesis) => (genesis.timestamp = 'today'), 'timestamp is "today", not a number'],
    ['a genesis without a timestamp', (genesis) => delete genesis.timestamp, 'it has no timestamp'],
  ])('%s is refused, though the reference would take it', (_name, edit, reason) => {
    const chain = forged((blocks) => edit(blocks[0]!));
    expect(reasonOf(chain)).toBe(`block 1 is not a genesis block: ${reason}`);
  });

  test('a lone block counts as a genesis block only if it is one', () => {
    expect(reasonOf([honest[0]!])).toBe('ok');
    expect(reasonOf([{ ...honest[0]!, proof: 7 }])).toBe('block 1 is not a genesis block: proof is 7, not 100');
  });
});

describe('indexes: each block is numbered by its position', () => {
  test('a chain whose indexes are all 1 is refused, though every link and proof holds', () => {
    const chain = forged((blocks) => blocks.forEach((block) => (block.index = 1)));
    expect(reasonOf(chain)).toBe('block 2 has index 1; expected 2');
  });

  test.each<[string, JsonValue | undefined, string]>([
    ['an index one off', 4, 'block 3 has index 4; expected 3'],
    ['an index as a string', '3', 'block 3 has index "3"; expected 3'],
    ['an index as a float', new PyFloat(3), 'block 3 has index 3.0; expected 3'],
    ['no index', undefined, 'block 3 has no index'],
  ])('%s is refused', (_name, index, reason) => {
    const chain = forged((blocks) => {
      if (index === undefined) delete blocks[2]!.index;
      else blocks[2]!.index = index;
    });
    expect(reasonOf(chain)).toBe(reason);
  });

  test('an extension is numbered from where it starts', () => {
    const [anchor, next] = [honest[2]!, copyChain(honest)[3]!];
    expect(validExtension(anchor, 4, [next], RULES).ok).toBe(true);
    expect(validExtension(anchor, 4, [{ ...next, index: 9 }], RULES)).toEqual({ ok: false, reason: 'block 4 has index 9; expected 4' });
  });
});

describe('proofs: integers from 0 to 2^53 - 1, as the reference counts them', () => {
  test("a string proof with the same digits is refused, though Python's str() makes it the same guess", () => {
    const digits = pythonStr(honest[1]!.proof)!;
    const chain = forged((blocks) => (blocks[1]!.proof = digits));
    expect(isValidProof(honest[0]!.proof, digits, RULES, '')).toBe(true);
    expect(reasonOf(chain)).toBe(`block 2: proof must be an integer from 0 to 9007199254740991, not "${digits}"`);
  });

  test('a megabyte string proof that satisfies the proof of work is refused, and quickly', () => {
    // The attack: hash the long prefix once, then try suffixes from the saved SHA-256 state.
    const tip = honest[honest.length - 1]!;
    const prefix = 'A'.repeat(1_000_000);
    const state = createHash('sha256').update(pythonStr(tip.proof)! + prefix);
    let n = 0;
    while (!hasLeadingZeros(state.copy().update(String(n)).digest(), RULES.difficulty)) n++;
    const block = { ...copyChain([tip])[0]!, index: honest.length + 1, previous_hash: hashBlock(tip), proof: prefix + n };
    const started = performance.now();
    const verdict = validExtension(tip, honest.length + 1, [block], RULES);
    expect(verdict).toEqual({
      ok: false,
      reason: `block ${honest.length + 1}: proof must be an integer from 0 to 9007199254740991, not "${'A'.repeat(40)}"... (${prefix.length + String(n).length} characters)`,
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test.each<[string, JsonValue]>([
    ['negative', -35293],
    ['a fraction', 35293.5],
    ['a float with an integral value', new PyFloat(35293)],
    ['past 2^53', 2 ** 53],
    ['a big integer', 2n ** 64n],
    ['null', null],
    ['a boolean', true],
    ['an array', [35293]],
  ])('a proof that is %s is refused', (_name, proof) => {
    const chain = forged((blocks) => (blocks[1]!.proof = proof));
    expect(reasonOf(chain)).toMatch(/^block 2: proof must be an integer from 0 to 9007199254740991, not /);
  });

  test('0 and the largest safe integer are proofs of the right kind', () => {
    // Right in kind, wrong in value: the check that refuses them is the proof of work's.
    for (const proof of [0, Number.MAX_SAFE_INTEGER]) {
      expect(reasonOf(forged((blocks) => (blocks[1]!.proof = proof)))).toBe(`block 2: proof ${proof} is not valid after block 1`);
    }
  });
});

describe('block size: at most maxBlockBytes of canonical JSON', () => {
  const third = canonicalJson(honest[2]!).length;

  test('a block one byte over the bound is refused; one at the bound is taken', () => {
    const largest = Math.max(...honest.map((block) => canonicalJson(block).length));
    expect(reasonOf(honest, { ...RULES, maxBlockBytes: largest })).toBe('ok');
    const over = honest.findIndex((block) => canonicalJson(block).length === largest) + 1;
    expect(reasonOf(honest, { ...RULES, maxBlockBytes: largest - 1 })).toBe(
      `block ${over} is ${largest} bytes as JSON; at most ${largest - 1}`,
    );
  });

  test('non-ASCII text counts as it is written: six characters for each é', () => {
    const chain = forged((blocks) => ((blocks[2]!.transactions as Block[])[0]!.recipient = 'é'.repeat(1_000)));
    const bytes = canonicalJson(chain[2]!).length;
    expect(bytes).toBe(third - 'bob'.length + 6_000);
    expect(reasonOf(chain, { ...RULES, maxBlockBytes: bytes - 1 })).toBe(`block 3 is ${bytes} bytes as JSON; at most ${bytes - 1}`);
  });

  test('a block too large even to write as one string is refused with a reason, not an exception', () => {
    // 100 million é are 600 million characters as JSON: past V8's longest string.
    const [anchor, next] = [honest[1]!, copyChain(honest)[2]!];
    const huge = { ...next, transactions: [{ sender: 'a', recipient: 'é'.repeat(100_000_000), amount: 1 }] };
    const verdict = validExtension(anchor, 3, [huge], RULES);
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/^block 3 is \d+ bytes as JSON; at most 8388608$/) });
    expect(Number(/is (\d+) bytes/.exec(verdict.ok ? '' : verdict.reason)![1])).toBeGreaterThan(600_000_000);
  });
});
