import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The reference's own hashes and proofs: ../shared/reference/hash-vectors.json beside the repo. */
export interface HashVectors {
  blocks: { name: string; json: string; canonical: string; sha256: string }[];
  proof_chain: { last_proof: number; proof: number }[];
}

export const vectors: HashVectors = JSON.parse(
  readFileSync(join(__dirname, '../../../shared/reference/hash-vectors.json'), 'utf8'),
) as HashVectors;
