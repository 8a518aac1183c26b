// What the FileStore tests share: changes to record, a logger that keeps what it is told, log lines
// of our own making, and the FileHandle prototype to fail its real calls.
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { ChainChange } from '../../src/chain/blockchain.ts';
import { pyFloat } from '../../src/chain/py-json.ts';
import { buildChain } from '../support/chains.ts';

const chain = buildChain(3, { difficulty: 2 });

export function transaction(n: number): ChainChange {
  return { type: 'transaction', transaction: { sender: 'alice', recipient: 'bob', amount: pyFloat(n), id: `tx-${n}` } };
}

export const changes: ChainChange[] = [
  transaction(1),
  { type: 'block', block: chain[1]! },
  transaction(2),
  { type: 'block', block: chain[2]! },
];

/** A whole chain in one record, as start-up compaction writes it. */
export const snapshot: ChainChange = { type: 'chain', from: 1, blocks: chain };

interface Told {
  details: object;
  message: string;
}

/** A logger that keeps what it was told, warnings and errors apart. */
export function recordingLogger() {
  const warnings: Told[] = [];
  const errors: Told[] = [];
  return {
    warnings,
    errors,
    warn: (details: object, message: string) => void warnings.push({ details, message }),
    error: (details: object, message: string) => void errors.push({ details, message }),
  };
}

/** A log line as FileStore writes it, for a JSON text of our choosing. */
export function line(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The files a damaged log was set aside as, in `dir`, sorted by name. */
export async function setAside(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('chain.log.damaged-')).sort();
}

/** The prototype every FileHandle shares, to count or fail its real calls. */
export async function fileHandlePrototype(dir: string): Promise<Pick<FileHandle, 'appendFile' | 'datasync'>> {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as Pick<FileHandle, 'appendFile' | 'datasync'>;
}

/** What a full disk answers. */
export function noSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}
