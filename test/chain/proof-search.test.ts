import { createHash } from 'node:crypto';
import { hasLeadingZeros, isValidProof, searchProof } from '../../src/chain/proof-of-work.ts';
import { leadingZeroMasks, searchSingleBlock } from '../../src/chain/proof-search.ts';
import { seededRandom, type Random } from '../support/random.ts';

/** The search as the reference writes it: one createHash per guess. */
function referenceSearch(lastProof: string, difficulty: number, start: number, end: number): number | undefined {
  for (let proof = start; proof < end; proof++) {
    if (
      hasLeadingZeros(
        createHash('sha256')
          .update(lastProof + proof)
          .digest(),
        difficulty,
      )
    )
      return proof;
  }
  return undefined;
}

type Search = (lastProof: string, difficulty: number, start: number, end: number) => number | undefined;

/** searchProof under the notebook's rule: nothing after the two proofs. */
const notebookSearch: Search = (lastProof, difficulty, start, end) => searchProof(lastProof, difficulty, start, end, '');

/** The single-block search alone: a proof it does not find there counts as none. */
const singleBlock: Search = (lastProof, difficulty, start, end) => searchSingleBlock(lastProof, difficulty, start, end).proof;

/** Every valid proof in [start, end), by searching again after each one found. */
function allValid(search: Search, lastProof: string, difficulty: number, start: number, end: number): number[] {
  const found: number[] = [];
  for (let from = start; ;) {
    const proof = search(lastProof, difficulty, from, end);
    if (proof === undefined) return found;
    found.push(proof);
    from = proof + 1;
  }
}

/** The fast searches find the valid proofs in the range createHash finds; returns how many. */
function expectSameValidProofs(lastProof: string, difficulty: number, start: number, end: number): number {
  const expected = allValid(referenceSearch, lastProof, difficulty, start, end);
  expect({ lastProof, start, proofs: allValid(singleBlock, lastProof, difficulty, start, end) }).toEqual({
    lastProof,
    start,
    proofs: expected,
  });
  expect(allValid(notebookSearch, lastProof, difficulty, start, end)).toEqual(expected);
  return expected.length;
}

function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

describe('the single-block proof search', () => {
  test('finds what createHash finds after random previous proofs, from random starts', () => {
    const random = seededRandom(20251106);
    let found = 0;
    for (let i = 0; i < 200; i++) {
      const digits = randomInt(random, 1, 20);
      const lastProof = Array.from({ length: digits }, () => randomInt(random, 0, 9))
        .join('')
        .replace(/^0+(?=.)/, '');
      const start = Math.floor(random() * 10 ** randomInt(random, 0, 15));
      found += expectSameValidProofs(lastProof, randomInt(random, 1, 2), start, start + 300);
    }
    expect(found).toBeGreaterThan(1_000);
  });

  test.each([
    [1, 0],
    [2, 10],
    [3, 100],
    [4, 1_000],
    [5, 1_000_000],
    [6, 10_000_000],
    [7, 1_000_000_000],
  ])('finds what createHash finds across the step to %i digits', (_digits, power) => {
    for (const lastProof of ['', '7', '100', '35293', '12345678901234567890']) {
      expectSameValidProofs(lastProof, 1, Math.max(power - 40, 0), power + 40);
    }
  });

  test('finds what createHash finds for every length of previous proof and of proof that fits one block', () => {
    for (let prefixLength = 0; prefixLength <= 54; prefixLength++) {
      const lastProof = '31415926535897932384626433832795028841971693993751058209'.slice(0, prefixLength);
      for (let digits = 1; digits <= Math.min(16, 55 - prefixLength); digits++) {
        const start = digits === 1 ? 0 : 10 ** (digits - 1) + 7;
        expectSameValidProofs(lastProof, 1, start, start + 24);
      }
    }
  });

  test.each([1, 2, 3, 4])('finds what createHash finds at difficulty %i', (difficulty) => {
    const span = 40 * 16 ** difficulty;
    for (const [lastProof, start] of [
      ['35293', 0],
      ['119678', 5_000_000],
      ['9007199254740991', 123_456_789_012],
    ] as const) {
      expect(searchProof(lastProof, difficulty, start, start + span, '')).toBe(referenceSearch(lastProof, difficulty, start, start + span));
    }
  });

  test('finds what createHash finds at difficulty 5', () => {
    // About 1 in 16^5 proofs is valid: with ~400k guesses per range, some ranges hold one and some do not.
    const found = ['1', '35089', '146502', '8888888888'].map((lastProof) => {
      const proof = searchProof(lastProof, 5, 1_000_000, 1_400_000, '');
      expect(proof).toBe(referenceSearch(lastProof, 5, 1_000_000, 1_400_000));
      return proof;
    });
    expect(found.filter((proof) => proof !== undefined).length).toBeGreaterThan(0);
  }, 30_000);

  test('finds the smallest proofs after 100 the reference found: 35293 at difficulty 4, 49259370 at 6', () => {
    expect(searchProof('100', 4, 0, Number.MAX_SAFE_INTEGER, '')).toBe(35293);
    expect(searchSingleBlock('100', 6, 0, Number.MAX_SAFE_INTEGER)).toEqual({ proof: 49259370, next: 49259370 });
    expect(isValidProof(100, 49259370, { difficulty: 6, powRule: 'notebook', maxBlockBytes: 8_388_608 }, '')).toBe(true);
    expect(searchProof('100', 6, 49259371, 49259371 + 100_000, '')).toBe(referenceSearch('100', 6, 49259371, 49259371 + 100_000));
  }, 60_000);

  test('hashes a previous proof that is not ASCII as UTF-8, lone surrogates as U+FFFD like createHash', () => {
    for (const lastProof of ['é', 'ünïcødé €', '😀 1e+16', 'a\ud800b', '\udfff']) expectSameValidProofs(lastProof, 2, 990, 1_300);
  });

  test('leaves proofs whose guess is 56 bytes or more to createHash, counting bytes and not characters', () => {
    const long = '1'.repeat(50);
    // 50 + 5 digits fit one block, 50 + 6 do not: the fast search stops at 100000.
    expect(searchSingleBlock(long, 16, 99_000, 101_000)).toEqual({ proof: undefined, next: 100_000 });
    expect(allValid(notebookSearch, long, 1, 99_900, 100_100)).toEqual(allValid(referenceSearch, long, 1, 99_900, 100_100));
    expectSameValidProofs(long, 1, 99_900, 100_000);
    // 27 two-byte characters are 54 bytes: room for one digit only.
    const wide = 'é'.repeat(27);
    expect(searchSingleBlock(wide, 16, 0, 20)).toEqual({ proof: undefined, next: 10 });
    expect(allValid(notebookSearch, wide, 1, 0, 200)).toEqual(allValid(referenceSearch, wide, 1, 0, 200));
    const tooLong = '2'.repeat(60);
    expect(searchSingleBlock(tooLong, 1, 0, 100)).toEqual({ proof: undefined, next: 0 });
    expect(allValid(notebookSearch, tooLong, 1, 0, 100)).toEqual(allValid(referenceSearch, tooLong, 1, 0, 100));
  });

  test('leaves ranges it cannot step through digit by digit to createHash, with the same result', () => {
    for (const [start, end] of [
      [-30, 30],
      [2.5, 40],
      [0, 40.5],
      [0, Number.NaN],
      [30, 10],
    ] as const) {
      expect(allValid(notebookSearch, '100', 1, start, end)).toEqual(allValid(referenceSearch, '100', 1, start, end));
    }
    expect(searchSingleBlock('100', 1, -30, 30)).toEqual({ proof: undefined, next: -30 });
    expect(searchProof('100', 0, 17, 20, '')).toBe(17);
    expect(searchProof('100', 4.5, 0, 100, '')).toBe(referenceSearch('100', 4.5, 0, 100));
    expect(searchProof('100', 17, 0, 100, '')).toBeUndefined();
  });

  test.each(Array.from({ length: 16 }, (_, i) => i + 1))(
    'checks %i leading zero hex digits on the first two words like hasLeadingZeros',
    (difficulty) => {
      const [mask0, mask1] = leadingZeroMasks(difficulty);
      const words = [0, 1, 0xf, 0x10, 0xff, 0x0fff_ffff, 0x1000_0000, 0x00f0_0000, 0x0000_f000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];
      for (const first of words) {
        for (const second of words) {
          const digest = new Uint8Array(32);
          new DataView(digest.buffer).setUint32(0, first);
          new DataView(digest.buffer).setUint32(4, second);
          expect(((first & mask0) | (second & mask1)) === 0).toBe(hasLeadingZeros(digest, difficulty));
        }
      }
    },
  );
});
