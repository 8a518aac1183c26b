import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Blockchain, type ChainChange } from '../../src/chain/blockchain.ts';
import { toJson } from '../../src/chain/py-json.ts';
import { FileStore } from '../../src/store/file-store.ts';
import { seededRandom } from '../support/random.ts';
import { crashChange, sequenceOf } from './crash-changes.ts';

const WRITER = join(__dirname, 'crash-writer.ts');

interface Crash {
  acknowledged: number[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs crash-writer.ts on `dir` and SIGKILLs it once it has acknowledged `acks` changes. */
function crashWriter(dir: string, acks: number): Promise<Crash> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', WRITER, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: number[] = [];
    let partial = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      acknowledged.push(...lines.map(Number));
      if (acknowledged.length >= acks) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    child.on('error', reject);
    // 'close' comes after the pipes are drained: every number the writer printed has been read.
    child.on('close', (_code, signal) => resolve({ acknowledged, signal, stderr }));
  });
}

/** The first `length` changes of the history the writer records. */
function history(length: number): ChainChange[] {
  const blockchain = new Blockchain();
  return Array.from({ length }, (_, seq) => {
    const change = crashChange(seq, blockchain);
    blockchain.apply(change);
    return change;
  });
}

describe('FileStore after a SIGKILL', () => {
  const random = seededRandom(20240611);
  // A few kills soon after start, the rest anywhere in the first few hundred acknowledgements
  // (the writer rewrites the log every 50 changes, so some land during a rewrite).
  const rounds = [1, 3, ...Array.from({ length: 6 }, () => 1 + Math.floor(random() * 400))];

  test.each(rounds)(
    'keeps every acknowledged change, in order, when killed after %i acknowledgements',
    async (acks) => {
      const dir = await mkdtemp(join(tmpdir(), 'chainlab-crash-'));
      try {
        const crash = await crashWriter(dir, acks);
        expect(crash.stderr).toBe('');
        expect(crash.signal).toBe('SIGKILL');
        expect(crash.acknowledged).toEqual(Array.from({ length: crash.acknowledged.length }, (_, seq) => seq));
        expect(crash.acknowledged.length).toBeGreaterThanOrEqual(acks);

        const errors: string[] = [];
        const store = await FileStore.open(dir, { warn: () => {}, error: (_details, message) => void errors.push(message) });
        const loaded = await store.load();
        await store.close();
        expect(errors).toEqual([]); // a kill tears at most the tail: it never damages a whole record
        // Every acknowledged change, then maybe some that were written but not yet acknowledged.
        expect(loaded.length).toBeGreaterThanOrEqual(crash.acknowledged.length);
        expect(loaded.map(sequenceOf)).toEqual(Array.from({ length: loaded.length }, (_, seq) => seq));
        expect(toJson(loaded)).toBe(toJson(history(loaded.length)));
        expect(Blockchain.replay(loaded).length).toBe(1 + Math.floor(loaded.length / 10));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    10_000,
  );
});
