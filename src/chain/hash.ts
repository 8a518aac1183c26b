import { hash } from 'node:crypto';
import { canonicalJson, type JsonValue } from './py-json.ts';

/** The reference's `Blockchain.hash`: sha256 of `json.dumps(block, sort_keys=True)`, as hex. */
export function hashBlock(block: JsonValue): string {
  return hash('sha256', canonicalJson(block));
}
