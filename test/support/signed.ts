import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signedMessage } from '../../src/chain/signed-rules.ts';

/** test/fixtures/signed-vectors.json: keys and signatures made by @noble/curves (see the README there). */
export interface SignedVector {
  sender: string;
  recipient: string;
  amount: number;
  nonce: number;
  message: string;
  signature: string;
}
export interface SignedVectors {
  keys: Record<'alice' | 'bob' | 'mallory', { seed: string; address: string }>;
  example: SignedVector;
  valid: SignedVector[];
}

export const signedVectors = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'signed-vectors.json'), 'utf8')) as SignedVectors;

export type Name = keyof SignedVectors['keys'];
export const address = (name: Name): string => signedVectors.keys[name].address;

/**
 * A transaction signed with `by`'s fixture key (by default the sender's), by node:crypto: for the
 * flows of HTTP tests. The validator's own vectors come from the independent implementation.
 */
export function signedTx(from: Name, to: Name, amount: number, nonce: number, by: Name = from) {
  const body = { sender: address(from), recipient: address(to), amount, nonce };
  const { seed, address: x } = signedVectors.keys[by];
  const key = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(seed, 'hex').toString('base64url'), x: Buffer.from(x, 'hex').toString('base64url') },
    format: 'jwk',
  });
  return { ...body, signature: sign(null, Buffer.from(signedMessage(body)), key).toString('hex') };
}
