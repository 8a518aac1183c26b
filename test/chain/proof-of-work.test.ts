import { hasLeadingZeros, isValidProof, searchProof } from '../../src/chain/proof-of-work.ts';
import { PyFloat } from '../../src/chain/py-json.ts';
import { vectors } from '../support/vectors.ts';

describe('proof of work', () => {
  test.each(vectors.proof_chain)('$proof is valid after $last_proof, as the reference says', ({ last_proof, proof }) => {
    expect(isValidProof(last_proof, proof, 4)).toBe(true);
  });

  test.each(vectors.proof_chain)('the search finds $proof after $last_proof, the smallest like proof_of_work', ({ last_proof, proof }) => {
    expect(searchProof(String(last_proof), 4, 0, 1_000_000)).toBe(proof);
  });

  test('a neighbouring proof is not valid', () => {
    expect(isValidProof(100, 35292, 4)).toBe(false);
    expect(isValidProof(100, 35294, 4)).toBe(false);
  });

  test('a range without a proof yields undefined', () => {
    expect(searchProof('100', 4, 0, 35293)).toBeUndefined();
    expect(searchProof('100', 4, 35293, 35294)).toBe(35293);
  });

  test("proofs are hashed as Python's str() of the value, so a string proof counts like the reference", () => {
    expect(isValidProof('100', '35293', 4)).toBe(true);
    // str(35293.0) is '35293.0': a different guess, and not a valid one.
    expect(isValidProof(100, new PyFloat(35293), 4)).toBe(false);
    expect(isValidProof(100, [35293], 4)).toBe(false);
    expect(isValidProof(100, null, 4)).toBe(false);
  });

  test('difficulty counts hex digits, odd counts included', () => {
    expect(hasLeadingZeros(Uint8Array.of(0, 0, 0x0f), 5)).toBe(true);
    expect(hasLeadingZeros(Uint8Array.of(0, 0, 0x10), 5)).toBe(false);
    expect(hasLeadingZeros(Uint8Array.of(0, 0, 0x10), 4)).toBe(true);
    expect(hasLeadingZeros(Uint8Array.of(0, 1), 4)).toBe(false);
  });
});
