import { createHash } from 'node:crypto';
import type { Block } from './block.ts';
import { hashBlock } from './hash.ts';
import { canonicalJson, type JsonObject, type JsonValue } from './py-json.ts';

/** What one serialisation of a block gives: its hash, and its size as canonical JSON (ASCII, so characters are bytes). */
export interface BlockMeasure {
  hash: string;
  bytes: number;
}

// Blocks are never changed once in a chain, so a block object's hash can be kept as long as the
// object lives. This node's own blocks are hashed once; a peer's arrive as new objects every time,
// and validation hashes each, which fills this for whoever asks next (mining on a new tip).
const measures = new WeakMap<object, BlockMeasure>();

/** hashBlock, remembered per block object. */
export function cachedHash(block: JsonValue | Block): string {
  if (typeof block !== 'object' || block === null) return hashBlock(block);
  return measureBlock(block as JsonObject).hash;
}

/** The block's hash (hashBlock's) and its canonical JSON's length, from one serialisation, remembered per block object. */
export function measureBlock(block: JsonObject | Block): BlockMeasure {
  let measure = measures.get(block);
  if (measure === undefined) {
    const json = canonicalJson(block);
    measure = { hash: createHash('sha256').update(json).digest('hex'), bytes: json.length };
    measures.set(block, measure);
  }
  return measure;
}
