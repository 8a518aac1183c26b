import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { referenceNodeCommand } from '../e2e/support/reference-node.ts';
import type { SearchRequest, SearchResult } from '../src/node/proof-worker.ts';

const run = promisify(execFile);

/** Hashes per message: large enough that messaging costs nothing, small enough to stop on time. */
const RANGE = 1 << 16;

export interface WorkerRate {
  hashesPerSecond: number;
  /**
   * The CPU time this process got over the wall time: `threads` when every worker had a core of
   * its own, less when something else on the machine ran meanwhile.
   */
  cores: number;
}

/**
 * Proofs tried per second by the node's own proof workers, `threads` at once, each searching
 * ranges at a difficulty no proof meets, so every candidate is hashed.
 */
export async function chainlabHashRate(threads: number, seconds: number): Promise<WorkerRate> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const rates = await Promise.all(Array.from({ length: threads }, () => rateOfOneWorker(seconds)));
  const used = process.cpuUsage(cpu);
  const cores = (used.user + used.system) / 1000 / (performance.now() - started);
  return { hashesPerSecond: rates.reduce((sum, rate) => sum + rate, 0), cores };
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

/** How openssl may hash: with the CPU's SHA extensions, as the machine has them, or in software. */
export type OpensslSha = 'as the machine has it' | 'software';

/**
 * OPENSSL_ia32cap with bit 29 of the extended features (CPUID leaf 7, EBX: the SHA extensions)
 * cleared: openssl's SHA-256 falls back to its best software code (AVX2, SSSE3, ...). No JS or
 * wasm code can use SHA-NI, so this is the rate a proof search in JS is compared against.
 */
export const WITHOUT_SHA_NI = ':~0x20000000';

/**
 * The machine's SHA-256 rate for one 16-byte message on one core: the faster of
 * `openssl speed -bytes 16 sha256` (the one-shot SHA256()) and `openssl speed -evp sha256`
 * (EVP_Digest, which costs a little per call). A proof-search guess `${lastProof}${proof}` is a
 * handful of bytes, and openssl speed hashes its 16 bytes with no padding of its own: both sides
 * hash one 64-byte block per guess. Over wall time (-elapsed, not openssl's default of CPU time),
 * as chainlab's rates are.
 */
export async function opensslHashRate(seconds: number, sha: OpensslSha): Promise<number> {
  const env = sha === 'software' ? { ...process.env, OPENSSL_ia32cap: WITHOUT_SHA_NI } : withoutMask();
  const time = String(Math.max(1, Math.round(seconds)));
  const rates: number[] = [];
  for (const algorithm of [['sha256'], ['-evp', 'sha256']]) {
    const { stdout } = await run('openssl', ['speed', '-elapsed', '-seconds', time, '-bytes', '16', ...algorithm], { env });
    const match = /^sha256\s+([\d.]+)k/m.exec(stdout);
    if (!match) throw new Error(`unexpected openssl speed output:\n${stdout}`);
    rates.push((Number(match[1]) * 1000) / 16);
  }
  return Math.max(...rates);
}

/** The bench's environment without an OPENSSL_ia32cap of the caller's, which would mask what the machine has. */
function withoutMask(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENSSL_ia32cap;
  return env;
}

/** Whether the CPU offers the SHA extensions (Linux): `sha_ni` among /proc/cpuinfo's flags. */
export function cpuHasShaNi(): boolean | undefined {
  try {
    return /^flags\s*:.*\bsha_ni\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return undefined;
  }
}
