// The proof-of-work search without node:crypto, for the notebook's rule: every guess
// `${lastProof}${proof}` is shorter than 56 bytes, so its SHA-256 is one compression of one block,
// and consecutive guesses differ only in their last decimal digits. Writing those digits into the
// block in place and running an unrolled compression is several times faster than a createHash per
// guess. (A guess of the linked rule ends in a 64-digit hash: two blocks, so searchProof hashes it
// the plain way.)

import { compressionSource, IV, MAX_SINGLE_BLOCK_BYTES, STATE } from './sha256.ts';

/** Proofs past this are not integers the search can step through one by one. */
const LAST_SAFE_PROOF = Number.MAX_SAFE_INTEGER;

/** The sixteen big-endian words of the block, with the proof's last digit written as '0'. */
type Block = Int32Array;

/**
 * Compresses the block once per last digit in [from, to] (added at byte `shift` of `word`) and
 * returns the first digit whose digest's first two words are zero under the leadingZeroMasks,
 * or -1. The block is left as it was given.
 */
type SearchLastDigit = (
  block: Block,
  word: number,
  shift: number,
  from: number,
  to: number,
  zeroMask0: number,
  zeroMask1: number,
) => number;

export interface SingleBlockSearch {
  /** The smallest valid proof in [start, next), if there is one. */
  proof: number | undefined;
  /** Where the search stopped: at `end`, or at the first proof whose guess does not fit one block. */
  next: number;
}

/**
 * searchProof over the part of [start, end) whose guesses fit one SHA-256 block: proofs that are
 * safe integers from 0 up, with a difficulty of 0 to 16 hex digits. The caller hashes the rest,
 * from `next` on, the slow way.
 */
export function searchSingleBlock(lastProof: string, difficulty: number, start: number, end: number): SingleBlockSearch {
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 16) return { proof: undefined, next: start };
  if (!Number.isSafeInteger(start) || start < 0) return { proof: undefined, next: start };

  // Node's createHash encodes strings as UTF-8, lone surrogates as U+FFFD, and so does TextEncoder.
  const prefix = new TextEncoder().encode(lastProof);
  const [zeroMask0, zeroMask1] = leadingZeroMasks(difficulty);
  let next = start;
  while (next < end && next <= LAST_SAFE_PROOF) {
    const digits = String(next).length;
    if (prefix.length + digits > MAX_SINGLE_BLOCK_BYTES) break;
    // Proofs with the same number of digits share the block's layout.
    const stop = Math.min(10 ** digits, LAST_SAFE_PROOF + 1, Math.ceil(end));
    const proof = searchSameLength(prefix, next, stop, zeroMask0, zeroMask1);
    if (proof !== undefined) return { proof, next: proof };
    next = stop;
  }
  return { proof: undefined, next };
}

/** The smallest valid proof in [first, stop), all of which have as many digits as `first`. */
function searchSameLength(prefix: Uint8Array, first: number, stop: number, zeroMask0: number, zeroMask1: number): number | undefined {
  let tens = first - (first % 10);
  let from = first % 10;
  const block = blockOf(prefix, String(tens));
  const lastDigit = prefix.length + String(tens).length - 1;
  const word = lastDigit >> 2;
  const shift = byteShift(lastDigit);
  while (tens < stop) {
    const digit = searchLastDigit(block, word, shift, from, Math.min(9, stop - 1 - tens), zeroMask0, zeroMask1);
    if (digit >= 0) return tens + digit;
    tens += 10;
    from = 0;
    if (tens < stop) incrementDecimal(block, lastDigit - 1);
  }
  return undefined;
}

/** The padded block of `prefix` followed by `digits`. */
function blockOf(prefix: Uint8Array, digits: string): Block {
  const bytes = new Uint8Array(64);
  bytes.set(prefix);
  for (let i = 0; i < digits.length; i++) bytes[prefix.length + i] = digits.charCodeAt(i);
  const length = prefix.length + digits.length;
  bytes[length] = 0x80;
  const view = new DataView(bytes.buffer);
  view.setUint32(60, length * 8);
  const block = new Int32Array(16);
  for (let i = 0; i < 16; i++) block[i] = view.getInt32(4 * i);
  return block;
}

/** Adds one to the decimal number whose last digit is byte `position` of the block. */
function incrementDecimal(block: Block, position: number): void {
  for (let i = position; ; i--) {
    const word = i >> 2;
    const shift = byteShift(i);
    const carries = ((block[word]! >>> shift) & 0xff) === 0x39; // '9'
    block[word] = block[word]! + (carries ? -9 << shift : 1 << shift);
    if (!carries) return;
  }
}

/** How far byte `position` of the block sits from the low end of its big-endian word. */
function byteShift(position: number): number {
  return 8 * (3 - (position & 3));
}

/**
 * The bits of the digest's first two words that must be zero for `difficulty` (0 to 16)
 * leading zero hex digits.
 */
export function leadingZeroMasks(difficulty: number): [number, number] {
  return [highBitsMask(4 * Math.min(difficulty, 8)), highBitsMask(4 * Math.max(difficulty - 8, 0))];
}

/** An int32 with its top `bits` bits set. */
function highBitsMask(bits: number): number {
  return bits === 0 ? 0 : -1 << (32 - bits);
}

// ---------------------------------------------------------------------------------------------
// The compression, written out once per last digit

/**
 * The source of SearchLastDigit: sha256.ts's compression, its 64 rounds and 48 schedule steps
 * written out, run once per last digit on the block in place.
 */
function searchLastDigitSource(): string {
  const words = Array.from({ length: 16 }, (_, i) => `w${i} = block[${i}]`).join(', ');
  const initial = STATE.map((name, i) => `${name} = ${IV[i]!}`).join(', ');
  return `
    const base = block[word];
    for (let digit = from; digit <= to; digit++) {
      block[word] = base + (digit << shift);
      let ${words};
      let ${initial}, t1 = 0;
      ${compressionSource()}
      if ((((a + ${IV[0]!}) & zeroMask0) | ((b + ${IV[1]!}) & zeroMask1)) === 0) {
        block[word] = base;
        return digit;
      }
    }
    block[word] = base;
    return -1;`;
}

// The source is generated only from this file's constants (no input reaches it): an unrolled
// compression that V8 optimises far better than a loop over the schedule.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const searchLastDigit = new Function(
  'block',
  'word',
  'shift',
  'from',
  'to',
  'zeroMask0',
  'zeroMask1',
  searchLastDigitSource(),
) as SearchLastDigit;
