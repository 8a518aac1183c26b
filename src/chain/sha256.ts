// SHA-256 in JS for the texts that fit one 64-byte block: a proof's guess under the notebook's
// rule, checked once per block of every chain a peer sends. node:crypto's one-shot hash() costs
// about 2 µs per call with a Buffer out, nearly all of it crossing into C++ and allocating; this
// costs under 1 µs (one unrolled compression). Longer texts go to node:crypto: its hex one-shot
// beat JS from 64 bytes on in a micro-benchmark, and by 3 to 4 times on a block's ~300 bytes.
import { hash } from 'node:crypto';

/** The longest message whose padding (0x80 and a 64-bit length) still fits in one 64-byte block. */
export const MAX_SINGLE_BLOCK_BYTES = 55;

/** sha256 of `text` (as UTF-8), as 32 bytes: node:crypto's `hash('sha256', text, 'buffer')`. */
export function sha256Digest(text: string): Uint8Array {
  if (text.length > MAX_SINGLE_BLOCK_BYTES || !hashSingleBlock(text)) return hash('sha256', text, 'buffer');
  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    digest[4 * i] = word >>> 24;
    digest[4 * i + 1] = word >>> 16;
    digest[4 * i + 2] = word >>> 8;
    digest[4 * i + 3] = word;
  }
  return digest;
}

// One hash at a time, so one state and one block of words serve every call.
const state = new Int32Array(8);
const words = new Int32Array(16);

/**
 * Hashes `text`, at most 55 characters, into `state`. False, with `state` meaningless, when
 * `text` holds a character past ASCII: UTF-8 (and a lone surrogate's U+FFFD) is node:crypto's.
 */
function hashSingleBlock(text: string): boolean {
  const length = text.length;
  for (let i = 0; i < 16; i++) words[i] = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return false;
    words[i >> 2]! |= code << byteShift(i);
  }
  words[length >> 2]! |= 0x80 << byteShift(length);
  words[15] = length * 8;
  for (let i = 0; i < 8; i++) state[i] = IV[i]!;
  compress(state, words);
  return true;
}

/** How far byte `position` of the block sits from the low end of its big-endian word. */
function byteShift(position: number): number {
  return 8 * (3 - (position & 3));
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

/** The initial hash value, as int32s. */
export const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19].map((word) => word | 0);

/** The names of the eight working variables in the generated source, a to h. */
export const STATE = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/**
 * The source of one compression's 64 rounds and 48 schedule steps, written out over local int32s:
 * the block's words in w0..w15, the working variables in a..h (STATE), and a t1. V8 keeps them in
 * registers then, about 1.7 times as fast as the same rounds in a loop over typed arrays. After
 * the 64th round each name holds its own variable again. Built from the constants above only.
 */
export function compressionSource(): string {
  const steps: string[] = [];
  for (let t = 0; t < 64; t++) {
    if (t >= 16) steps.push(scheduleSource(t));
    steps.push(...roundSource(t));
  }
  return steps.join('\n      ');
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

/** One compression of the sixteen `words` into `state`. */
type Compress = (state: Int32Array, words: Int32Array) => void;

function compressSource(): string {
  const load = (array: string, names: string[]): string => names.map((name, i) => `${name} = ${array}[${i}]`).join(', ');
  const store = STATE.map((name, i) => `state[${i}] = (state[${i}] + ${name}) | 0;`).join('\n      ');
  const w = Array.from({ length: 16 }, (_, i) => `w${i}`);
  return `
      let ${load('words', w)};
      let ${load('state', STATE)}, t1 = 0;
      ${compressionSource()}
      ${store}`;
}

// The source is generated only from this file's constants (no input reaches it).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const compress = new Function('state', 'words', compressSource()) as Compress;
