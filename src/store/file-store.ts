import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChainChange } from '../chain/blockchain.ts';
import { messageOf } from '../log/log.ts';
import type { ChainStore } from './chain-store.ts';
import { attempt, readLog, replaceFile, setAsideDamage, syncDirectory, type StoreDamage, type StoreLogger } from './log-files.ts';
import { encodeRecord, readRecords } from './log-records.ts';

export type { StoreDamage, StoreLogger };

const LOG_FILE = 'chain.log';

/** Records written together, with one fdatasync (group commit); all of them resolve or reject at once. */
interface Batch {
  lines: string[];
  durable: Promise<void>;
}

/**
 * Keeps the changes in one append-only file, `chain.log`, one record per line (log-records.ts). A
 * crash can only tear the end of the file, and `open` cuts a torn tail off, so the log holds every
 * change whose `record` resolved. Damage anywhere else is set aside, never cut off (log-files.ts).
 */
export class FileStore implements ChainStore {
  /** The damage `open` recovered from, if the log was damaged: the node reports it. */
  readonly damage: StoreDamage | undefined;
  readonly #path: string;
  #file: FileHandle;
  /** The log's length in bytes: where it ends after the last durable write. */
  #size: number;
  /** What `open` read, handed to the first `load` so the log is not read and parsed twice at start. */
  #recovered: ChainChange[] | undefined;
  /** The batch that records join until its write starts. */
  #open: Batch | undefined;
  /** The last queued job (a write, a rewrite, a read): each starts once the one before has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Set when a write failed: nothing written after it could be called durable. */
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(path: string, file: FileHandle, size: number, recovered: ChainChange[], damage: StoreDamage | undefined) {
    this.#path = path;
    this.#file = file;
    this.#size = size;
    this.#recovered = recovered;
    this.damage = damage;
  }

  /**
   * Opens the store in `dir` (created if missing). A torn end of its log is cut off with a warning;
   * a damaged log is set aside whole and replaced by its records before the damage, with an error
   * logged and `damage` set.
   */
  static async open(dir: string, log: StoreLogger): Promise<FileStore> {
    const path = join(dir, LOG_FILE);
    await attempt(`create the store directory ${dir}`, () => mkdir(dir, { recursive: true }));
    // A rewrite that crashed before its rename leaves this behind; the log itself is intact.
    await attempt(`remove ${path}.tmp`, () => rm(`${path}.tmp`, { force: true }));
    const bytes = await readLog(path);
    const contents = readRecords(bytes ?? Buffer.alloc(0));
    const { changes, end, problem } = contents;
    // Only a torn tail is cut off below: see setAsideDamage for the rule on everything else.
    const damage = problem?.kind === 'damaged' ? await setAsideDamage(path, bytes!, contents, log) : undefined;
    const file = await attempt(`open ${path}`, () => open(path, 'a'));
    try {
      if (problem?.kind === 'torn') {
        const discarded = bytes!.length - end;
        log.warn(
          { path, discardedBytes: discarded, keptRecords: changes.length, reason: problem.reason },
          `discarded the last ${discarded} bytes of ${path}: ${problem.reason}`,
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
    return new FileStore(path, file, end, changes, damage);
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
      const text = lines.join('');
      try {
        await this.#file.appendFile(text);
        // Durability rule: a record resolves only after its bytes are on disk. The node acknowledges a
        // change only once record resolved, so no acknowledged change can be lost in a crash.
        await this.#file.datasync();
      } catch (error) {
        await this.#cutBack();
        throw error;
      }
      this.#size += Buffer.byteLength(text);
    });
    return { lines, durable };
  }

  /**
   * After a failed append, cuts off what it may have written (a full disk takes part of a batch),
   * so that a record that was refused does not come back after a restart. Best effort: the store
   * has failed either way, and the append's error is the one reported.
   */
  async #cutBack(): Promise<void> {
    try {
      await this.#file.truncate(this.#size);
      await this.#file.datasync();
    } catch {
      // A torn tail that stays is cut off at the next open; whole records that stay are the risk.
    }
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
    await replaceFile(this.#path, text);
    await this.#file.close();
    this.#file = await open(this.#path, 'a');
    this.#size = Buffer.byteLength(text);
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

function failedStore(path: string, failure: Error): Error {
  return new Error(`the store at ${path} failed earlier and takes nothing more: ${failure.message}`, { cause: failure });
}
