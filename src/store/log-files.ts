import { link, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { messageOf } from '../log/log.ts';
import type { LogContents } from './log-records.ts';

/** What the store reports through: a torn tail it cut off, a damaged log it set aside. Any pino logger will do. */
export interface StoreLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** A damaged log the store recovered from at open, for the node to report (/health). */
export interface StoreDamage {
  /** The log, which now holds only the records before the damage. */
  path: string;
  /** The byte where the first damaged record starts. */
  offset: number;
  keptRecords: number;
  /** How many bytes, from `offset` on, are no longer in the log. */
  setAsideBytes: number;
  /** Where the damaged file is kept, byte for byte. */
  movedTo: string;
  reason: string;
}

/** Names tried for the damaged file before giving up: one a second would take minutes of crash loops to use up. */
const MAX_ASIDE_NAMES = 100;

/**
 * Corruption rule: a damaged complete record (a bad checksum, bad JSON, not a change) is never cut
 * away, wherever it is in the log, because the records after it were acknowledged and may be
 * recoverable by hand. Only a torn tail, which a crash during an append leaves, is cut off (by the
 * caller). Here the whole file is kept at `chain.log.damaged-<time>` and the log is replaced by
 * the records before the damage. Order: the damaged file gets its new name (a hard link, which
 * never overwrites) before the log is replaced, and the log is replaced atomically, so a crash at
 * any point leaves a complete log, damaged or repaired, and nothing is lost.
 */
export async function setAsideDamage(path: string, bytes: Buffer, contents: LogContents, log: StoreLogger): Promise<StoreDamage> {
  const reason = contents.problem!.reason;
  const movedTo = await attempt(`set aside the damaged log ${path} (${reason})`, () => linkAside(path));
  await attempt(`write the records before the damage to ${path}`, () => replaceFile(path, bytes.subarray(0, contents.end)));
  const damage = {
    path,
    offset: contents.end,
    keptRecords: contents.changes.length,
    setAsideBytes: bytes.length - contents.end,
    movedTo,
    reason,
  };
  const kept = damage.keptRecords === 0 ? 'kept no record: the log is now empty' : `kept the ${damage.keptRecords} records before it`;
  log.error(
    damage,
    `${path} is damaged at byte ${damage.offset} (${reason}): ${kept}, and set aside the ${damage.setAsideBytes} bytes from there on; ` +
      `the damaged file is kept whole at ${movedTo}`,
  );
  return damage;
}

/** Gives the log a second name, `<path>.damaged-<UTC time>`, never one that exists already; returns it. */
async function linkAside(path: string): Promise<string> {
  const stamp = new Date().toISOString().replaceAll(/[:.]/g, '-'); // 2024-06-11T12-34-56-789Z: safe on any filesystem
  for (let n = 1; ; n++) {
    const aside = `${path}.damaged-${stamp}${n === 1 ? '' : `-${n}`}`;
    try {
      await link(path, aside);
      await syncDirectory(dirname(path));
      return aside;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= MAX_ASIDE_NAMES) throw error;
    }
  }
}

/** Replaces the file at `path` by `data`, atomically: after a crash it holds either the old bytes or the new. */
export async function replaceFile(path: string, data: string | Buffer): Promise<void> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  // The rename is the commit point: a crash before it leaves the old file, after it the new one,
  // both complete. Syncing the directory makes the rename itself durable.
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

/** The log's bytes, or undefined when there is no log yet. */
export async function readLog(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${messageOf(error)}`, { cause: error });
  }
}

/** Makes a file's creation or renaming durable: the name lives in the directory, not in the file. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function attempt<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new Error(`cannot ${what}: ${messageOf(error)}`, { cause: error });
  }
}
