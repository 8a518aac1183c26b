import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/support/nodes.ts';

/** The repository's bench/ folder (this code runs compiled, from dist-bench/bench/). */
export const BENCH_DIR = join(REPO_ROOT, 'bench');

/** Where `npm run bench` writes (BENCH_OUT, else bench/): results, and logs/ beside them. */
export const OUT_DIR = process.env.BENCH_OUT ?? BENCH_DIR;

let logs = 0;

/**
 * A new file in OUT_DIR/logs/ for one process's output, open for writing: each side of a
 * measurement logs as it would deployed, to a file that is kept, rather than into a void.
 */
export function openLog(name: string): { fd: number; path: string } {
  const dir = join(OUT_DIR, 'logs');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${String(++logs).padStart(3, '0')}-${name}.log`);
  return { fd: openSync(path, 'w'), path };
}
