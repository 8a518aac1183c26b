import { hash } from 'node:crypto';
import type { Block } from './block.ts';
import { hashBlock } from './hash.ts';
import { canonicalJson, canonicalJsonWithin, type JsonObject, type JsonValue } from './py-json.ts';
import { hasCanonicalText, knownCanonicalBytes, knownCanonicalLength } from './py-json-texts.ts';
import { stamps } from './stamps.ts';

/** What one serialisation of a block gives: its hash, and its size as canonical JSON (ASCII, so characters are bytes). */
export interface BlockMeasure {
  hash: string;
  bytes: number;
}

// Blocks are never changed once in a chain, so a block object's hash can be kept as long as the
// object lives. This node's own blocks are hashed once; a peer's arrive as new objects every time,
// and validation hashes each (rememberMeasure), which fills this for whoever asks next (mining on
// a new tip, the next block's check). A block whose canonical text a parse kept is stamped with
// its hash alone, since that text gives its length: no object per block of a peer's chain.
const measures = stamps<BlockMeasure | string>();

/** hashBlock, remembered per block object. */
export function cachedHash(block: JsonValue | Block): string {
  if (typeof block !== 'object' || block === null) return hashBlock(block);
  const measure = measures.get(block);
  // A bare hash is read as it is: its size, counted from the text, is not wanted here.
  return typeof measure === 'string' ? measure : measureBlock(block as JsonObject).hash;
}

/** The block's hash (hashBlock's) and its canonical JSON's length, from one serialisation, remembered per block object. */
export function measureBlock(block: JsonObject | Block): BlockMeasure {
  const measure = measures.get(block);
  if (typeof measure === 'string') {
    // A bare hash is stamped only beside a kept canonical text, which blocks never lose.
    const bytes = knownCanonicalLength(block);
    if (bytes !== undefined) return { hash: measure, bytes };
  } else if (measure !== undefined) return measure;
  return measureJson(block, canonicalJson(block));
}

/** Remembers `json`, the canonical JSON of `block` written by whoever had to write it anyway, as its measure. */
function measureJson(block: JsonObject | Block, json: string): BlockMeasure {
  return rememberMeasure(block, measureOf(json));
}

/** The hash and length of a block's canonical JSON, as a string or as its (ASCII) bytes. */
function measureOf(json: string | Uint8Array): BlockMeasure {
  return { hash: hash('sha256', json), bytes: json.length };
}

/**
 * The measure of `block`, not yet remembered, or undefined when its canonical JSON is longer than
 * `limit`: what validation takes of a peer's block. A block a parse kept the text of (every block
 * of a peer's chain) is hashed from that text's bytes, its canonical JSON never built as a string.
 */
export function measureWithin(block: JsonObject, limit: number): BlockMeasure | undefined {
  const bytes = knownCanonicalBytes(block, limit);
  if (bytes !== undefined) return measureOf(bytes);
  // Written only up to the limit: a block too large may be too large even to write as one string.
  const json = canonicalJsonWithin(block, limit);
  return json === undefined ? undefined : measureOf(json);
}

/** Remembers `measure` as `block`'s, which the caller has proved it is. */
export function rememberMeasure(block: JsonObject | Block, measure: BlockMeasure): BlockMeasure {
  // A kept canonical text is the block's (see py-json-texts.ts), so its length is measure.bytes.
  measures.set(block, hasCanonicalText(block) ? measure.hash : measure);
  return measure;
}

/**
 * Has `block`'s measure hold `hash`, a string equal to its hash, instead of its own copy: the next
 * block's previous_hash, which the chain keeps anyway. 10,000 blocks then hold one 64-digit
 * string each, not two.
 */
export function shareHash(block: JsonObject | Block, hash: string): void {
  const measure = measures.get(block);
  if (typeof measure === 'string') {
    if (measure === hash) measures.set(block, hash);
  } else if (measure !== undefined && measure.hash === hash) measure.hash = hash;
}
