import { createHash } from 'node:crypto';
import { genesisBlock } from '../../src/chain/block.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { hasLeadingZeros, hexLeadingZeros, isValidProof, searchProof } from '../../src/chain/proof-of-work.ts';
import { PyFloat } from '../../src/chain/py-json.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { vectors } from '../support/vectors.ts';

const NOTEBOOK: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 };
const LINKED: ChainRules = { difficulty: 4, powRule: 'linked', maxBlockBytes: 8_388_608 };

describe('proof of work', () => {
  test.each(vectors.proof_chain)('$proof is valid after $last_proof, as the reference says', ({ last_proof, proof }) => {
    expect(isValidProof(last_proof, proof, NOTEBOOK, '')).toBe(true);
  });

  test.each(vectors.proof_chain)('the search finds $proof after $last_proof, the smallest like proof_of_work', ({ last_proof, proof }) => {
    expect(searchProof(String(last_proof), 4, 0, 1_000_000, '')).toBe(proof);
  });

  test('a neighbouring proof is not valid', () => {
    expect(isValidProof(100, 35292, NOTEBOOK, '')).toBe(false);
    expect(isValidProof(100, 35294, NOTEBOOK, '')).toBe(false);
  });

  test('a range without a proof yields undefined', () => {
    expect(searchProof('100', 4, 0, 35293, '')).toBeUndefined();
    expect(searchProof('100', 4, 35293, 35294, '')).toBe(35293);
  });

  // The guess itself, as the reference forms it; validChain admits only integer proofs (see hostile-blocks.test.ts).
  test("proofs are hashed as Python's str() of the value, as the reference hashes them", () => {
    expect(isValidProof('100', '35293', NOTEBOOK, '')).toBe(true);
    // str(35293.0) is '35293.0': a different guess, and not a valid one.
    expect(isValidProof(100, new PyFloat(35293), NOTEBOOK, '')).toBe(false);
    expect(isValidProof(100, [35293], NOTEBOOK, '')).toBe(false);
    expect(isValidProof(100, null, NOTEBOOK, '')).toBe(false);
  });

  test('difficulty counts hex digits, odd counts included', () => {
    expect(hasLeadingZeros(Uint8Array.of(0, 0, 0x0f), 5)).toBe(true);
    expect(hasLeadingZeros(Uint8Array.of(0, 0, 0x10), 5)).toBe(false);
    expect(hasLeadingZeros(Uint8Array.of(0, 0, 0x10), 4)).toBe(true);
    expect(hasLeadingZeros(Uint8Array.of(0, 1), 4)).toBe(false);
  });

  test('the hex check (the one-shot proofs) counts as the digest check does, up to all 64 digits', () => {
    const digests = [new Uint8Array(32), Uint8Array.from({ length: 32 }, (_, i) => (i === 2 ? 0x0f : i < 2 ? 0 : 0xff))];
    for (let n = 0; n < 200; n++) digests.push(createHash('sha256').update(String(n)).digest());
    for (const digest of digests) {
      const hex = Buffer.from(digest).toString('hex');
      for (let zeros = 0; zeros <= 64; zeros++) expect(hexLeadingZeros(hex, zeros)).toBe(hasLeadingZeros(digest, zeros));
    }
  });
});

describe('proof of work under the linked rule', () => {
  // The previous block is the genesis block, whose proof is 100: the notebook's first proof is 35293.
  const lastHash = hashBlock(genesisBlock());

  test('the search finds a proof whose guess f"{last_proof}{proof}{last_hash}" has 4 leading zeros', () => {
    const proof = searchProof('100', 4, 0, Number.MAX_SAFE_INTEGER, lastHash)!;
    expect(createHash('sha256').update(`100${proof}${lastHash}`).digest('hex')).toMatch(/^0000/);
    expect(isValidProof(100, proof, LINKED, lastHash)).toBe(true);
  });

  test("the notebook's proof does not do under the linked rule, nor the linked proof under the notebook's", () => {
    const proof = searchProof('100', 4, 0, Number.MAX_SAFE_INTEGER, lastHash)!;
    expect(proof).not.toBe(35293);
    expect(isValidProof(100, 35293, LINKED, lastHash)).toBe(false);
    expect(isValidProof(100, proof, NOTEBOOK, lastHash)).toBe(false);
  });

  test('a proof is bound to the previous hash: another block before it needs another proof', () => {
    const proof = searchProof('100', 4, 0, Number.MAX_SAFE_INTEGER, lastHash)!;
    const otherHash = hashBlock({ ...genesisBlock(), transactions: [{ sender: 'alice', recipient: 'bob', amount: 5 }] });
    expect(isValidProof(100, proof, LINKED, otherHash)).toBe(false);
    expect(searchProof('100', 4, 0, Number.MAX_SAFE_INTEGER, otherHash)).not.toBe(proof);
  });

  test('the search finds every valid proof of a range, smallest first, as one createHash per guess does', () => {
    const expected: number[] = [];
    for (let proof = 0; proof < 3_000; proof++) {
      if (hasLeadingZeros(createHash('sha256').update(`35293${proof}${lastHash}`).digest(), 2)) expected.push(proof);
    }
    const found: number[] = [];
    let proof = searchProof('35293', 2, 0, 3_000, lastHash);
    while (proof !== undefined) {
      found.push(proof);
      proof = searchProof('35293', 2, proof + 1, 3_000, lastHash);
    }
    expect(found).toEqual(expected);
    expect(found.length).toBeGreaterThan(3);
  });
});
