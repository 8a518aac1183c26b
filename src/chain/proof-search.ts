// The proof-of-work search without node:crypto, for the notebook's rule: every guess
// `${lastProof}${proof}` is shorter than 56 bytes, so its SHA-256 is one compression of one block,
// and consecutive guesses differ only in their last decimal digits. Writing those digits into the
// block in place and running an unrolled compression is several times faster than a createHash per
// guess. (A guess of the linked rule ends in a 64-digit hash: two blocks, so searchProof hashes it
// the plain way.)

/** The longest message whose padding (0x80 and a 64-bit length) still fits in one 64-byte block. */
const MAX_SINGLE_BLOCK_BYTES = 55;

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
// The compression, written out

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const STATE = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/**
 * The source of SearchLastDigit with its 64 rounds and 48 schedule steps written out. V8 keeps
 * the state and the sixteen live schedule words in local int32s then, about 1.7 times as fast as
 * the same rounds in a loop over typed arrays. It is built when the module loads, from the
 * constants above and nothing else, so there is no generated file to keep in step.
 */
function searchLastDigitSource(): string {
  const steps: string[] = [];
  for (let t = 0; t < 64; t++) {
    if (t >= 16) steps.push(scheduleSource(t));
    steps.push(...roundSource(t));
  }
  const words = Array.from({ length: 16 }, (_, i) => `w${i} = block[${i}]`).join(', ');
  const initial = STATE.map((name, i) => `${name} = ${IV[i]! | 0}`).join(', ');
  return `
    const base = block[word];
    for (let digit = from; digit <= to; digit++) {
      block[word] = base + (digit << shift);
      let ${words};
      let ${initial}, t1 = 0;
      ${steps.join('\n      ')}
      if ((((a + ${IV[0]! | 0}) & zeroMask0) | ((b + ${IV[1]! | 0}) & zeroMask1)) === 0) {
        block[word] = base;
        return digit;
      }
    }
    block[word] = base;
    return -1;`;
}

/** Schedule word t replaces word t - 16 in the sixteen live words w0..w15. */
function scheduleSource(t: number): string {
  const w = (i: number): string => `w${i % 16}`;
  return `${w(t)} = (${w(t)} + ${sigma(w(t - 15), 7, 18, 3)} + ${w(t - 7)} + ${sigma(w(t - 2), 17, 19, 10)}) | 0;`;
}

/** Round t. Rather than move eight variables along each round, it renames them: a is STATE[-t mod 8]. */
function roundSource(t: number): string[] {
  const at = (i: number): string => STATE[(i - t + 64) % 8]!;
  const [a, b, c, d, e, f, g, h] = [at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)];
  return [
    `t1 = (${h} + ${bigSigma(e, 6, 11, 25)} + (${g} ^ (${e} & (${f} ^ ${g}))) + ${K[t]! | 0} + w${t % 16}) | 0;`,
    `${d} = (${d} + t1) | 0;`,
    `${h} = (t1 + ${bigSigma(a, 2, 13, 22)} + ((${a} & ${b}) | (${c} & (${a} | ${b})))) | 0;`,
  ];
}

function bigSigma(x: string, r1: number, r2: number, r3: number): string {
  return `(${rotr(x, r1)} ^ ${rotr(x, r2)} ^ ${rotr(x, r3)})`;
}

function sigma(x: string, r1: number, r2: number, shift: number): string {
  return `(${rotr(x, r1)} ^ ${rotr(x, r2)} ^ (${x} >>> ${shift}))`;
}

function rotr(x: string, n: number): string {
  return `((${x} >>> ${n}) | (${x} << ${32 - n}))`;
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
