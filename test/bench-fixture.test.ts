import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidProof, searchProof } from '../src/chain/proof-of-work.ts';

const proofs = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'fixtures', 'proofs-d4.json'), 'utf8')) as number[];

describe('bench/fixtures/proofs-d4.json', () => {
  test('starts at the genesis proof and holds 10,000 proofs', () => {
    expect(proofs[0]).toBe(100);
    expect(proofs).toHaveLength(10_000);
  });

  test('every proof is valid after the one before it', () => {
    for (let i = 1; i < proofs.length; i++)
      expect(
        isValidProof(proofs[i - 1]!, proofs[i]!, { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 }, '') ||
          `proof ${i} invalid`,
      ).toBe(true);
  });

  test('the first ones are the smallest valid proofs, as the reference mines them', () => {
    for (let i = 1; i <= 20; i++) expect(searchProof(String(proofs[i - 1]), 4, 0, proofs[i]! + 1, '')).toBe(proofs[i]);
  });
});
