import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedMinerAddress, MINER_KEY_FILE } from '../../src/node/miner-key.ts';

describe('the miner key of TX_RULE=signed without MINER_ADDRESS', () => {
  test('is kept in DATA_DIR, readable by its owner only, and the same after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miner-key-'));
    try {
      const first = await generatedMinerAddress(dir);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect((await stat(join(dir, MINER_KEY_FILE))).mode & 0o777).toBe(0o600);
      expect(await generatedMinerAddress(dir)).toBe(first);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('is written whole then linked into place: two starts at once agree, and no temporary file is left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miner-key-'));
    try {
      const [a, b] = await Promise.all([generatedMinerAddress(dir), generatedMinerAddress(dir)]);
      expect(a).toBe(b);
      expect(await readdir(dir)).toEqual([MINER_KEY_FILE]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a file that holds no key (a torn write of old) stops the start with its name, and is not replaced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miner-key-'));
    try {
      await writeFile(join(dir, MINER_KEY_FILE), '', { mode: 0o600 });
      await expect(generatedMinerAddress(dir)).rejects.toThrow(`${join(dir, MINER_KEY_FILE)} holds no private key`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('without DATA_DIR is a new key each start, in memory', async () => {
    expect(await generatedMinerAddress(undefined)).not.toBe(await generatedMinerAddress(undefined));
  });
});
