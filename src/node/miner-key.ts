import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
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
  const kept = await keptKey(path);
  if (kept !== undefined) return addressOf(kept);
  const { privateKey } = generateKeyPairSync('ed25519');
  // Written whole under another name, then linked into place: a crash never leaves a torn key, and
  // link fails on an existing file, so a key another start wrote meanwhile is never overwritten.
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flush: true });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return addressOf((await keptKey(path))!);
  } finally {
    await unlink(temporary);
  }
  return addressOf(privateKey);
}

/** The key kept at `path`, or undefined if there is none; a file that holds no key is an error that names it. */
async function keptKey(path: string): Promise<KeyObject | undefined> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${path} holds no private key (${(error as Error).message}): move it away to have the node make a new one`);
  }
}

/** The 64-hex raw public key of an Ed25519 private key. */
export function addressOf(privateKey: KeyObject): string {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(x!, 'base64url').toString('hex');
}
