import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainChange } from '../../src/chain/blockchain.ts';
import { toJson } from '../../src/chain/py-json.ts';
import { silentLogger } from '../../src/log/log.ts';
import { FileStore } from '../../src/store/file-store.ts';
import { changes, fileHandlePrototype, line, noSpace, recordingLogger, setAside, transaction } from './log-fixtures.ts';

describe('FileStore', () => {
  let root: string;
  let dir: string;
  let logFile: string;

  beforeEach(async () => {
    root = dir = await mkdtemp(join(tmpdir(), 'chainlab-file-store-'));
    logFile = join(dir, 'chain.log');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(root, { recursive: true, force: true });
  });

  /** Opens a store, records `recorded`, closes it: the log on disk holds them. */
  async function writeLog(recorded: ChainChange[]): Promise<void> {
    const store = await FileStore.open(dir, recordingLogger());
    for (const change of recorded) await store.record(change);
    await store.close();
  }

  async function reopen() {
    const log = recordingLogger();
    const store = await FileStore.open(dir, log);
    return { store, log, loaded: await store.load() };
  }

  test('writes one line per change: crc32 of the JSON in hex, a space, the JSON', async () => {
    await writeLog(changes.slice(0, 2));
    expect(await readFile(logFile, 'utf8')).toBe(line(toJson(changes[0]!)) + line(toJson(changes[1]!)));
  });

  test('keeps everything across close and reopen, rewrites included', async () => {
    await writeLog(changes);
    let { store, loaded, log } = await reopen();
    expect(toJson(loaded)).toBe(toJson(changes));
    await store.rewrite([changes[3]!]);
    await store.record(changes[0]!);
    await store.close();
    ({ store, loaded, log } = await reopen());
    expect(toJson(loaded)).toBe(toJson([changes[3]!, changes[0]!]));
    expect(log.warnings).toEqual([]);
    await store.close();
  });

  test('creates a missing directory, and a missing log is an empty store', async () => {
    dir = join(dir, 'deeper', 'data');
    logFile = join(dir, 'chain.log');
    const { store, loaded, log } = await reopen();
    expect(loaded).toEqual([]);
    expect((await stat(logFile)).size).toBe(0);
    expect(log.warnings).toEqual([]);
    await store.close();
  });

  test('an empty log is an empty store', async () => {
    await writeFile(logFile, '');
    const { store, loaded, log } = await reopen();
    expect(loaded).toEqual([]);
    expect(log.warnings).toEqual([]);
    await store.close();
  });

  test.each([
    ['half a record with no newline (a torn write)', (text: string) => text.slice(0, text.length / 2)],
    ['garbage with no newline', () => '\u0000\u0000\u00ff\u0007'],
  ])('cuts off %s at the end, says so, and goes on recording', async (_what, tail) => {
    await writeLog(changes.slice(0, 2));
    const good = (await stat(logFile)).size;
    const junk = tail(line(toJson(changes[2]!)));
    await appendFile(logFile, junk, 'latin1');

    let { store, loaded, log } = await reopen();
    expect(toJson(loaded)).toBe(toJson(changes.slice(0, 2)));
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]!.message).toMatch(`torn write: the record at byte ${good} has no end of line`);
    expect(log.warnings[0]!.details).toMatchObject({ discardedBytes: junk.length, keptRecords: 2 });
    expect(log.errors).toEqual([]);
    expect(store.damage).toBeUndefined();
    expect(await setAside(dir)).toEqual([]);
    expect((await stat(logFile)).size).toBe(good);

    await store.record(changes[3]!);
    await store.close();
    ({ store, loaded, log } = await reopen());
    expect(toJson(loaded)).toBe(toJson([changes[0]!, changes[1]!, changes[3]!]));
    expect(log.warnings).toEqual([]);
    await store.close();
  });

  test('200 concurrent records are all durable, in call order, with a handful of fdatasyncs', async () => {
    const store = await FileStore.open(dir, silentLogger); // the node's pino logger will do
    const datasync = jest.spyOn(await fileHandlePrototype(dir), 'datasync');
    const many = Array.from({ length: 200 }, (_, n) => transaction(n));
    const first = store.record(many[0]!);
    await new Promise(setImmediate); // the first record's write is under way: the others wait for the next one
    await Promise.all([first, ...many.slice(1).map((change) => store.record(change))]);
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(3);
    await store.close();
    const reopened = await reopen();
    expect(toJson(reopened.loaded)).toBe(toJson(many));
    await reopened.store.close();
  });

  test('a failed fdatasync rejects its records, and the store takes nothing more', async () => {
    const store = await FileStore.open(dir, recordingLogger());
    const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    jest.spyOn(await fileHandlePrototype(dir), 'datasync').mockRejectedValueOnce(failure);
    const lost = [store.record(changes[0]!), store.record(changes[1]!)];
    for (const record of lost) await expect(record).rejects.toThrow(`cannot append to ${logFile}: EIO: i/o error, fdatasync`);
    await expect(store.record(changes[2]!)).rejects.toThrow(/failed earlier and takes nothing more: cannot append to .*EIO/);
    await expect(store.rewrite([])).rejects.toThrow(/failed earlier/);
    await expect(store.load()).rejects.toThrow(/failed earlier/);
    await store.close();
  });

  test('a full disk rejects the records it failed on and everything after, naming the first failure', async () => {
    const store = await FileStore.open(dir, recordingLogger());
    await store.record(changes[0]!);
    let fail!: (error: Error) => void;
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    const appendFile = jest.spyOn(await fileHandlePrototype(dir), 'appendFile').mockImplementationOnce(() => {
      started();
      return new Promise((_resolve, reject) => (fail = reject));
    });
    const failed = store.record(changes[1]!);
    await writing;
    const queued = store.record(changes[2]!); // waits for the next batch, behind the failing one
    fail(noSpace());
    await expect(failed).rejects.toThrow(`cannot append to ${logFile}: ENOSPC: no space left on device, write`);
    const firstFailure = /failed earlier and takes nothing more: cannot append to .*chain\.log: ENOSPC/;
    await expect(queued).rejects.toThrow(firstFailure);
    await expect(store.record(changes[3]!)).rejects.toThrow(firstFailure);
    await expect(store.rewrite([changes[0]!])).rejects.toThrow(firstFailure);
    await expect(store.load()).rejects.toThrow(firstFailure);
    await store.close();
    expect(appendFile).toHaveBeenCalledTimes(1); // nothing after the failure was even tried
    expect(await readFile(logFile, 'utf8')).toBe(line(toJson(changes[0]!)));
  });

  test('a full disk that took part of a batch: the part is cut off, and no refused record comes back', async () => {
    const store = await FileStore.open(dir, recordingLogger());
    await store.record(changes[0]!);
    const prototype = await fileHandlePrototype(dir);
    const realAppend = prototype.appendFile;
    jest.spyOn(prototype, 'appendFile').mockImplementationOnce(async function (this: typeof prototype, data) {
      const text = data as string; // the store appends text
      await realAppend.call(this, text.slice(0, text.indexOf('\n') + 20)); // the first record whole, 20 bytes of the second
      throw noSpace();
    });
    const refused = [store.record(changes[1]!), store.record(changes[2]!)];
    for (const record of refused) await expect(record).rejects.toThrow(/ENOSPC/);
    await store.close();
    expect(await readFile(logFile, 'utf8')).toBe(line(toJson(changes[0]!)));
    const { store: reopened, loaded, log } = await reopen();
    expect(toJson(loaded)).toBe(toJson(changes.slice(0, 1)));
    expect([...log.warnings, ...log.errors]).toEqual([]);
    await reopened.close();
  });

  test('close waits for the records under way; a record after close is refused', async () => {
    const store = await FileStore.open(dir, recordingLogger());
    const recorded = changes.map((change) => store.record(change));
    await store.close();
    await Promise.all(recorded);
    await expect(store.record(changes[0]!)).rejects.toThrow(`cannot record: the store at ${logFile} is closed`);
    const reopened = await reopen();
    expect(toJson(reopened.loaded)).toBe(toJson(changes));
    await reopened.store.close();
  });

  test('an unreadable log is an error that names it', async () => {
    await mkdir(logFile); // reading a directory fails with EISDIR, as real I/O errors do
    await expect(FileStore.open(dir, recordingLogger())).rejects.toThrow(`cannot read ${logFile}: EISDIR`);
  });
});
