import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { referenceNodeCommand } from '../e2e/support/reference-node.ts';
import type { SearchRequest, SearchResult } from '../src/node/proof-worker.ts';

const run = promisify(execFile);

/** Hashes per message: large enough that messaging costs nothing, small enough to stop on time. */
const RANGE = 1 << 16;

/**
 * Proofs tried per second by the node's own proof workers, `threads` at once, each searching
 * ranges at a difficulty no proof meets, so every candidate is hashed.
 */
export async function chainlabHashRate(threads: number, seconds: number): Promise<number> {
  const rates = await Promise.all(Array.from({ length: threads }, () => rateOfOneWorker(seconds)));
  return rates.reduce((sum, rate) => sum + rate, 0);
}

async function rateOfOneWorker(seconds: number): Promise<number> {
  const worker = new Worker(join(__dirname, '..', 'src', 'node', 'proof-worker.js'));
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let tried = 0;
  try {
    while (performance.now() < deadline) {
      const request: SearchRequest = { lastProof: '35293', difficulty: 16, start: tried, end: tried + RANGE, suffix: '' };
      worker.postMessage(request);
      const [result] = (await once(worker, 'message')) as [SearchResult];
      if (result.proof !== undefined) throw new Error('a proof at difficulty 16: the measurement is off');
      tried += RANGE;
    }
  } finally {
    await worker.terminate();
  }
  return tried / ((performance.now() - started) / 1000);
}

/**
 * The reference's own `Blockchain.valid_proof`, called in its proof_of_work loop, for `seconds`.
 * The script (REFERENCE_NODE) is imported from its path, whatever its name; its app is not started.
 */
export async function referenceHashRate(seconds: number): Promise<number> {
  const { python, script } = referenceNodeCommand();
  const program = [
    'import importlib.util, sys, time',
    'spec = importlib.util.spec_from_file_location("reference_node", sys.argv[2])',
    'module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)',
    'valid, proof, end = module.Blockchain.valid_proof, 0, time.perf_counter() + float(sys.argv[1])',
    'start = time.perf_counter()',
    'while time.perf_counter() < end:',
    '    for _ in range(10000):',
    '        valid(35293, proof); proof += 1',
    'print(proof / (time.perf_counter() - start))',
  ].join('\n');
  const { stdout } = await run(python, ['-c', program, String(seconds), script]);
  return Number(stdout.trim());
}

/** The machine's SHA-256 limit for one short message on one core: `openssl speed -bytes 16 sha256`. */
export async function opensslHashRate(seconds: number): Promise<number> {
  const { stdout } = await run('openssl', ['speed', '-seconds', String(Math.max(1, Math.round(seconds))), '-bytes', '16', 'sha256']);
  const match = /^sha256\s+([\d.]+)k/m.exec(stdout);
  if (!match) throw new Error(`unexpected openssl speed output:\n${stdout}`);
  return (Number(match[1]) * 1000) / 16;
}
