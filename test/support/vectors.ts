import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The original node's own hashes and proofs: test/fixtures/hash-vectors.json (see the README there). */
export interface HashVectors {
  blocks: { name: string; json: string; canonical: string; sha256: string }[];
  proof_chain: { last_proof: number; proof: number }[];
}

export const vectors: HashVectors = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'hash-vectors.json'), 'utf8')) as HashVectors;
