import type { Block } from './block.ts';
import { hashBlock } from './hash.ts';
import type { JsonValue } from './py-json.ts';

// Blocks are never changed once in a chain, so a block object's hash can be kept as long as the
// object lives. This node's own blocks are hashed once; a peer's arrive as new objects every time.
const hashes = new WeakMap<object, string>();

/** hashBlock, remembered per block object. */
export function cachedHash(block: JsonValue | Block): string {
  if (typeof block !== 'object' || block === null) return hashBlock(block);
  let hash = hashes.get(block);
  if (hash === undefined) {
    hash = hashBlock(block);
    hashes.set(block, hash);
  }
  return hash;
}
