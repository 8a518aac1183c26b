import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where DATA_DIR keeps the key the node mines to when MINER_ADDRESS is not set. */
export const MINER_KEY_FILE = 'miner-key.pem';

/**
 * The address TX_RULE=signed mines to without MINER_ADDRESS: the public half of a key the node
 * generates once. Kept in `dataDir` (readable by its owner only: whoever reads it can spend the
 * rewards) so that a restart mines to the same address; in memory only without one.
 */
export async function generatedMinerAddress(dataDir: string | undefined): Promise<string> {
  if (dataDir === undefined) return addressOf(generateKeyPairSync('ed25519').privateKey);
  const path = join(dataDir, MINER_KEY_FILE);
  try {
    return addressOf(createPrivateKey(await readFile(path, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  // 'wx': never overwrite a key another start wrote meanwhile; mode 0o600: the owner only.
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return addressOf(privateKey);
}

/** The 64-hex raw public key of an Ed25519 private key. */
export function addressOf(privateKey: KeyObject): string {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(x!, 'base64url').toString('hex');
}
