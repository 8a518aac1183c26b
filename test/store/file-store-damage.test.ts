import fsPromises from 'node:fs/promises';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainChange } from '../../src/chain/blockchain.ts';
import { toJson } from '../../src/chain/py-json.ts';
import { FileStore } from '../../src/store/file-store.ts';
import { changes, line, recordingLogger, setAside, snapshot } from './log-fixtures.ts';

/** Issue 11, item 10: damage that is not a torn tail is set aside whole, never cut away. */
describe('FileStore with a damaged log', () => {
  let dir: string;
  let logFile: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainlab-damage-'));
    logFile = join(dir, 'chain.log');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `recorded` as FileStore would, then flips one bit of the byte `at` bytes into record `index`; returns the damaged bytes. */
  async function damagedLog(recorded: ChainChange[], index: number, at: number): Promise<{ bytes: Buffer; offset: number }> {
    const lines = recorded.map((change) => line(toJson(change)));
    const bytes = Buffer.from(lines.join(''), 'latin1');
    const offset = lines.slice(0, index).join('').length;
    bytes[offset + at]! ^= 0x01;
    await writeFile(logFile, bytes);
    return { bytes, offset };
  }

  async function reopen() {
    const log = recordingLogger();
    const store = await FileStore.open(dir, log);
    return { store, log, loaded: await store.load() };
  }

  test('a flipped byte in a middle record: the file is set aside whole, the log keeps the records before it', async () => {
    const { bytes, offset } = await damagedLog(changes, 1, 30);

    const { store, loaded, log } = await reopen();
    expect(toJson(loaded)).toBe(toJson(changes.slice(0, 1)));
    const aside = await setAside(dir);
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^chain\.log\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    const movedTo = join(dir, aside[0]!);
    expect((await readFile(movedTo)).equals(bytes)).toBe(true);
    expect((await readFile(logFile)).equals(bytes.subarray(0, offset))).toBe(true);

    const damage = {
      path: logFile,
      offset,
      keptRecords: 1,
      setAsideBytes: bytes.length - offset,
      movedTo,
      reason: `checksum mismatch in the record at byte ${offset}`,
    };
    expect(store.damage).toEqual(damage);
    expect(log.errors).toEqual([{ details: damage, message: expect.stringContaining(`damaged at byte ${offset}`) }]);
    expect(log.errors[0]!.message).toMatch(`kept the 1 records before it, and set aside the ${bytes.length - offset} bytes`);
    expect(log.errors[0]!.message).toMatch(movedTo);
    expect(log.warnings).toEqual([]);

    // The store goes on from the records it kept, and the next open finds nothing wrong.
    await store.record(changes[2]!);
    await store.close();
    const again = await reopen();
    expect(toJson(again.loaded)).toBe(toJson([changes[0]!, changes[2]!]));
    expect(again.store.damage).toBeUndefined();
    expect([...again.log.warnings, ...again.log.errors]).toEqual([]);
    expect(await setAside(dir)).toEqual(aside);
    await again.store.close();
  });

  test('a flipped byte in the only record (a compacted log) is set aside, not silently emptied', async () => {
    const { bytes } = await damagedLog([snapshot], 0, 100);

    const { store, loaded, log } = await reopen();
    expect(loaded).toEqual([]);
    const aside = await setAside(dir);
    expect(aside).toHaveLength(1);
    expect((await readFile(join(dir, aside[0]!))).equals(bytes)).toBe(true);
    expect((await stat(logFile)).size).toBe(0);
    expect(store.damage).toMatchObject({ offset: 0, keptRecords: 0, setAsideBytes: bytes.length });
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]!.message).toMatch(
      /damaged at byte 0 \(checksum mismatch in the record at byte 0\): kept no record: the log is now empty/,
    );
    expect(log.errors[0]!.message).toMatch(join(dir, aside[0]!));
    await store.close();
  });

  test.each([
    ['a garbage line', 'not a record at all\n', /checksum mismatch/],
    ['a line with a good checksum but bad JSON', line('{"type":"block","block":'), /unparseable JSON/],
    ['a line with a good checksum but no known change', line('{"type":"vote","block":{}}'), /not a chain change/],
  ])('%s at the end is damage, not a torn tail: set aside, not cut off', async (_what, junk, reason) => {
    const good = changes
      .slice(0, 2)
      .map((change) => line(toJson(change)))
      .join('');
    await writeFile(logFile, good + junk, 'latin1');

    const { store, loaded, log } = await reopen();
    expect(toJson(loaded)).toBe(toJson(changes.slice(0, 2)));
    expect(store.damage).toMatchObject({
      offset: good.length,
      keptRecords: 2,
      setAsideBytes: junk.length,
      reason: expect.stringMatching(reason),
    });
    expect(log.errors).toHaveLength(1);
    expect(await readFile(join(dir, (await setAside(dir))[0]!), 'latin1')).toBe(good + junk);
    await store.close();
  });

  test('a whole last record whose newline is damaged is damage, not a torn tail', async () => {
    const { bytes } = await damagedLog(changes.slice(0, 2), 1, line(toJson(changes[1]!)).length - 1);

    const { store, log } = await reopen();
    expect(store.damage?.reason).toMatch(/damaged end of line/);
    expect(log.warnings).toEqual([]);
    expect((await readFile(join(dir, (await setAside(dir))[0]!))).equals(bytes)).toBe(true);
    await store.close();
  });

  test('a second damaged open, in the same millisecond, does not overwrite the first damaged file', async () => {
    jest.spyOn(Date.prototype, 'toISOString').mockReturnValue('2024-06-11T12:34:56.789Z');
    const first = await damagedLog(changes, 2, 15);
    await (await reopen()).store.close();
    const second = await damagedLog(changes.slice(0, 3), 1, 40);
    const { store } = await reopen();

    expect(await setAside(dir)).toEqual(['chain.log.damaged-2024-06-11T12-34-56-789Z', 'chain.log.damaged-2024-06-11T12-34-56-789Z-2']);
    expect((await readFile(join(dir, 'chain.log.damaged-2024-06-11T12-34-56-789Z'))).equals(first.bytes)).toBe(true);
    expect((await readFile(join(dir, 'chain.log.damaged-2024-06-11T12-34-56-789Z-2'))).equals(second.bytes)).toBe(true);
    expect(store.damage?.movedTo).toBe(join(dir, 'chain.log.damaged-2024-06-11T12-34-56-789Z-2'));
    await store.close();
  });

  test('a damaged log that cannot be set aside stops the open and stays as it was', async () => {
    const { bytes } = await damagedLog(changes, 1, 30);
    const refusal = Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    jest.spyOn(fsPromises, 'link').mockRejectedValueOnce(refusal);

    await expect(FileStore.open(dir, recordingLogger())).rejects.toThrow(
      `cannot set aside the damaged log ${logFile} (checksum mismatch in the record at byte ${line(toJson(changes[0]!)).length}): EPERM`,
    );
    expect((await readFile(logFile)).equals(bytes)).toBe(true);
  });
});
