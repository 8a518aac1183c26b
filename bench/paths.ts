import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/support/nodes.ts';

/** The repository's bench/ folder (this code runs compiled, from dist-bench/bench/). */
export const BENCH_DIR = join(REPO_ROOT, 'bench');
