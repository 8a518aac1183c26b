import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { ChainChange } from '../chain/blockchain.ts';
import { toJson, type JsonValue } from '../chain/py-json.ts';
import { parseJson } from '../chain/py-json-parse.ts';
import { isObject, type Verdict } from '../chain/validate.ts';
import type { ChainStore } from './chain-store.ts';

/** What the store reports through: a bad tail it discarded. Any pino logger will do. */
export interface StoreLogger {
  warn(details: object, message: string): void;
}

const LOG_FILE = 'chain.log';

/** Records written together, with one fdatasync (group commit); all of them resolve or reject at once. */
interface Batch {
  lines: string[];
  durable: Promise<void>;
}

/**
 * Keeps the changes in one append-only file, `chain.log`, one record per line:
 * `<crc32 of the JSON, 8 hex digits> <JSON>\n`. A crash can only tear the end of the file, and
 * `open` cuts a torn or corrupt tail off, so the log is always a prefix of what was recorded that
 * holds every change whose `record` resolved.
 */
export class FileStore implements ChainStore {
  readonly #dir: string;
  readonly #path: string;
  #file: FileHandle;
  /** What `open` read, handed to the first `load` so the log is not read and parsed twice at start. */
  #recovered: ChainChange[] | undefined;
  /** The batch that records join until its write starts. */
  #open: Batch | undefined;
  /** The last queued job (a write, a rewrite, a read): each starts once the one before has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Set when a write failed: nothing written after it could be called durable. */
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(dir: string, file: FileHandle, recovered: ChainChange[]) {
    this.#dir = dir;
    this.#path = join(dir, LOG_FILE);
    this.#file = file;
    this.#recovered = recovered;
  }

  /** Opens the store in `dir` (created if missing), cutting off a torn or corrupt end of its log. */
  static async open(dir: string, log: StoreLogger): Promise<FileStore> {
    const path = join(dir, LOG_FILE);
    await attempt(`create the store directory ${dir}`, () => mkdir(dir, { recursive: true }));
    // A rewrite that crashed before its rename leaves this behind; the log itself is intact.
    await attempt(`remove ${path}.tmp`, () => rm(`${path}.tmp`, { force: true }));
    const bytes = await readLog(path);
    const { changes, end, problem } = readRecords(bytes ?? Buffer.alloc(0));
    const file = await attempt(`open ${path}`, () => open(path, 'a'));
    try {
      if (problem !== undefined) {
        const discarded = bytes!.length - end;
        log.warn(
          { path, discardedBytes: discarded, keptRecords: changes.length, reason: problem },
          `discarded the last ${discarded} bytes of ${path}: ${problem}`,
        );
        await attempt(`truncate ${path}`, async () => {
          await file.truncate(end);
          await file.datasync();
        });
      }
      // The file's name lives in the directory: until the directory is synced, a crash can lose the
      // new file and every record in it.
      if (bytes === undefined) await attempt(`sync the directory ${dir}`, () => syncDirectory(dir));
    } catch (error) {
      await file.close();
      throw error;
    }
    return new FileStore(dir, file, changes);
  }

  load(): Promise<ChainChange[]> {
    const refusal = this.#refusal('load');
    if (refusal) return Promise.reject(refusal);
    return this.#enqueue(async () => {
      const recovered = this.#recovered;
      this.#recovered = undefined;
      return recovered ?? readRecords((await readLog(this.#path)) ?? Buffer.alloc(0)).changes;
    });
  }

  async record(change: ChainChange): Promise<void> {
    const refusal = this.#refusal('record');
    if (refusal) throw refusal;
    const line = encodeRecord(change);
    this.#recovered = undefined;
    this.#open ??= this.#batch();
    this.#open.lines.push(line);
    return this.#open.durable;
  }

  /**
   * Records that arrive while a batch is being written wait together for the next one: many
   * concurrent records cost one write and one fdatasync.
   */
  #batch(): Batch {
    const lines: string[] = [];
    const durable = this.#write('append to', async () => {
      if (this.#open?.lines === lines) this.#open = undefined; // later records go in the next batch
      await this.#file.appendFile(lines.join(''));
      // Durability rule: a record resolves only after its bytes are on disk. The node acknowledges a
      // change only once record resolved, so no acknowledged change can be lost in a crash.
      await this.#file.datasync();
    });
    return { lines, durable };
  }

  async rewrite(changes: ChainChange[]): Promise<void> {
    const refusal = this.#refusal('rewrite');
    if (refusal) throw refusal;
    const text = changes.map(encodeRecord).join('');
    this.#recovered = undefined;
    this.#open = undefined; // records made before this call go to the old log, later ones to the new
    return this.#write('rewrite', () => this.#replace(text));
  }

  async #replace(text: string): Promise<void> {
    const temporary = `${this.#path}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    // The rename is the commit point: a crash before it leaves the old log, after it the new one,
    // both complete. Syncing the directory makes the rename itself durable.
    await rename(temporary, this.#path);
    await syncDirectory(this.#dir);
    await this.#file.close();
    this.#file = await open(this.#path, 'a');
  }

  /** Waits for the records and rewrites already made, then closes the log. */
  close(): Promise<void> {
    this.#closing ??= this.#tail.then(() => this.#file.close());
    return this.#closing;
  }

  #refusal(action: string): Error | undefined {
    if (this.#closing) return new Error(`cannot ${action}: the store at ${this.#path} is closed`);
    if (this.#failure) return failedStore(this.#path, this.#failure);
    return undefined;
  }

  /** Runs `job` once every job queued before it has settled. */
  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#failure) throw failedStore(this.#path, this.#failure);
      return job();
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** A job that writes: if it fails, the store fails with it, and so does everything after. */
  #write(action: string, job: () => Promise<void>): Promise<void> {
    return this.#enqueue(async () => {
      try {
        await job();
      } catch (error) {
        this.#failure = new Error(`cannot ${action} ${this.#path}: ${messageOf(error)}`, { cause: error });
        throw this.#failure;
      }
    });
  }
}

/** One line of the log. toJson writes ASCII only, so no newline and no multi-byte character sits inside the JSON. */
function encodeRecord(change: ChainChange): string {
  const json = toJson(change);
  return `${checksum(json)} ${json}\n`;
}

function checksum(json: string | Buffer): string {
  return crc32(json).toString(16).padStart(8, '0');
}

interface Recovered {
  changes: ChainChange[];
  /** Where the last good record ends. */
  end: number;
  /** Why reading stopped before the end of the file, if it did. */
  problem?: string;
}

/** The valid prefix of a log: its complete lines up to the first whose checksum, JSON or shape is bad. */
function readRecords(bytes: Buffer): Recovered {
  const changes: ChainChange[] = [];
  let end = 0;
  while (end < bytes.length) {
    const newline = bytes.indexOf(0x0a, end);
    if (newline === -1) return { changes, end, problem: `torn write: the record at byte ${end} has no end of line` };
    const change = decodeRecord(bytes.subarray(end, newline));
    if (!change.ok) return { changes, end, problem: `${change.reason} in the record at byte ${end}` };
    changes.push(change.value);
    end = newline + 1;
  }
  return { changes, end };
}

function decodeRecord(line: Buffer): Verdict<ChainChange> {
  const json = line.subarray(9);
  if (line[8] !== 0x20 || line.subarray(0, 8).toString('latin1') !== checksum(json)) return { ok: false, reason: 'checksum mismatch' };
  const parsed = parseJson(json.toString('utf8'));
  if (!parsed.ok) return { ok: false, reason: `unparseable JSON (${parsed.reason})` };
  if (!isChange(parsed.value)) return { ok: false, reason: 'not a chain change' };
  return { ok: true, value: parsed.value };
}

function isChange(value: JsonValue): value is ChainChange {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'transaction':
      return isObject(value.transaction);
    case 'block':
      return isObject(value.block);
    case 'chain':
      return (
        typeof value.from === 'number' &&
        Number.isSafeInteger(value.from) &&
        value.from >= 1 &&
        Array.isArray(value.blocks) &&
        value.blocks.every(isObject)
      );
    default:
      return false;
  }
}

/** The log's bytes, or undefined when there is no log yet. */
async function readLog(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${messageOf(error)}`, { cause: error });
  }
}

/** Makes a file's creation or renaming durable: the name lives in the directory, not in the file. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function attempt<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new Error(`cannot ${what}: ${messageOf(error)}`, { cause: error });
  }
}

function failedStore(path: string, failure: Error): Error {
  return new Error(`the store at ${path} failed earlier and takes nothing more: ${failure.message}`, { cause: failure });
}

/** An error's message; not by `instanceof Error`, which fails for errors from another realm (a vm context). */
function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}
