import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { signedMessage, type SignedFields } from '../chain/signed-rules.ts';
import type { Verdict } from '../chain/validate.ts';

/**
 * The wallet's keys: one Ed25519 private key per name, as a PKCS8 PEM file only its owner can
 * read, in one directory. An address is the raw public key in hex, as TX_RULE=signed wants it.
 */
export interface Wallet {
  name: string;
  address: string;
  key: KeyObject;
}

const NAME = /^[a-z0-9_-]{1,32}$/;
const PEM_MAX_BYTES = 4096; // an Ed25519 PKCS8 PEM is about 120 bytes

/** Where the wallets live: --wallets DIR, else CHAINLAB_WALLETS, else ~/.chainlab/wallets. */
export function walletDir(option: string | undefined, env: Record<string, string | undefined>): string {
  return option ?? env.CHAINLAB_WALLETS ?? join(homedir(), '.chainlab', 'wallets');
}

/** Whether `name` may name a wallet: it becomes a file name, so no dots, slashes or capitals. */
export function validName(name: string): Verdict<string> {
  if (NAME.test(name)) return { ok: true, value: name };
  return { ok: false, reason: `bad wallet name ${JSON.stringify(name.slice(0, 40))}: use 1 to 32 of a-z, 0-9, _ and -` };
}

const fileOf = (dir: string, name: string) => join(dir, `${name}.pem`);

/**
 * Why `path` cannot be trusted to hold keys, as ssh judges its files: not a directory or file of
 * its own (a symlink could point anywhere), not its user's, or open to others (`others`: the mode
 * bits that must be clear: write for the directory, so nobody swaps a key; any for a key file).
 */
function untrusted(path: string, kind: 'directory' | 'file', others: number): string | undefined {
  const stat = lstatSync(path);
  if (kind === 'directory' ? !stat.isDirectory() : !stat.isFile()) return `${path} is not a plain ${kind} (a symlink?)`;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `${path} belongs to another user (uid ${stat.uid})`;
  if ((stat.mode & others) !== 0)
    return `${path} is open to others (mode ${(stat.mode & 0o777).toString(8)}); chmod ${kind === 'directory' ? 700 : 600} it`;
  return undefined;
}

/** The 64-hex-digit address of an Ed25519 key (private or public). */
export function addressOf(key: KeyObject): string {
  const { x } = createPublicKey(key).export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url').toString('hex');
}

/** A new key saved as `name`; never replaces a wallet that exists. */
export function createWallet(dir: string, name: string): Verdict<Wallet> {
  const named = validName(name);
  if (!named.ok) return named;
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const problem = untrusted(dir, 'directory', 0o022);
    if (problem !== undefined) return { ok: false, reason: `cannot keep a key there: ${problem}` };
    // 'wx' fails on an existing file: a second `new` must not lose the coins of the first key.
    writeFileSync(fileOf(dir, name), pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST') return { ok: false, reason: `wallet "${name}" already exists in ${dir}; it was left as it was` };
    return { ok: false, reason: `cannot write wallet "${name}" in ${dir}: ${(error as Error).message}` };
  }
  return { ok: true, value: { name, address: addressOf(privateKey), key: privateKey } };
}

/** The wallet saved as `name`. */
export function loadWallet(dir: string, name: string): Verdict<Wallet> {
  const named = validName(name);
  if (!named.ok) return named;
  const file = fileOf(dir, name);
  let pem: Buffer;
  try {
    const problem = untrusted(dir, 'directory', 0o022) ?? untrusted(file, 'file', 0o077);
    if (problem !== undefined) return { ok: false, reason: `will not use wallet "${name}": ${problem}` };
    pem = readFileSync(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return { ok: false, reason: `no wallet "${name}" in ${dir} (make one with: chainlab wallet new ${name})` };
    return { ok: false, reason: `cannot read wallet "${name}": ${(error as Error).message}` };
  }
  if (pem.length > PEM_MAX_BYTES) return { ok: false, reason: `${file} is not a wallet key: ${pem.length} bytes` };
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `${file} holds a ${key.asymmetricKeyType} key, not Ed25519` };
    return { ok: true, value: { name, address: addressOf(key), key } };
  } catch (error) {
    return { ok: false, reason: `${file} is not a PKCS8 PEM private key: ${(error as Error).message}` };
  }
}

/** The 128-hex-digit signature of a transfer, over the UTF-8 of signedMessage (TX_RULE=signed's text). */
export function signTransfer(key: KeyObject, fields: SignedFields): string {
  return sign(null, Buffer.from(signedMessage(fields), 'utf8'), key).toString('hex');
}
