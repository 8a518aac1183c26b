import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { guessSuffix } from '../chain/proof-of-work.ts';
import type { ChainRules } from '../chain/rules.ts';
import type { SearchRequest, SearchResult } from './proof-worker.ts';

/** Proofs one worker tries per message: small enough to stop soon, large enough to keep messaging cheap. */
const RANGE_SIZE = 1 << 15;

/** The block a proof is searched after, as the search reads it. */
export interface ProofBase {
  /** Python's str() of its proof. */
  lastProof: string;
  /** Its hash: part of every guess under the `linked` rule (see PowRule), not read under the notebook's. */
  lastHash: string;
}

export interface ProofOfWorkOptions {
  /**
   * Aborting it gives up the search: the promise rejects with `signal.reason` at once, no more
   * ranges go out, and the next search starts when the ranges in flight have come back.
   */
  signal?: AbortSignal;
}

/** Finds proofs of work on worker threads, so the event loop keeps serving requests while mining. */
export interface Miner {
  /** The smallest proof valid after `base` under `rules`, like the reference's `proof_of_work`. */
  proofOfWork(base: ProofBase, rules: ChainRules, options?: ProofOfWorkOptions): Promise<number>;
  close(): Promise<void>;
}

/** Whether `error` is what a search aborted without a reason rejects with (a DOMException named AbortError). */
export function isAbortError(error: unknown): boolean {
  // By name, not instanceof: a DOMException made in another realm (a VM context, as under Jest) is no Error of ours.
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** What the workers search for, whatever the range. */
type Search = Omit<SearchRequest, 'start' | 'end'>;

/** Why a search stopped short: the node is closing. Exposed to the client, as a 503. */
export class MinerClosedError extends Error {
  override name = 'MinerClosedError';
  readonly status = 503;
  readonly expose = true;

  constructor() {
    super('the node is shutting down; mining was stopped');
  }
}

/**
 * Workers exist only while there is mining to do: each is a V8 isolate of its own (about 13 MB
 * resident), so a miner with nothing to search gives them back after `idleMs`.
 */
export function createMiner(threads: number, { idleMs = 30_000 } = {}): Miner {
  let pool: SearchWorker[] | undefined;
  let idle: NodeJS.Timeout | undefined;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  const retire = () => {
    const workers = pool ?? [];
    pool = undefined;
    return Promise.all(workers.map((worker) => worker.close()));
  };
  const search = async (request: Search, signal: AbortSignal | undefined) => {
    if (closed) throw new MinerClosedError();
    // Aborted while it waited for its turn: no worker is woken for it.
    signal?.throwIfAborted();
    clearTimeout(idle);
    pool ??= Array.from({ length: threads }, () => new SearchWorker());
    try {
      return await searchAll(pool, request, signal);
    } finally {
      idle = setTimeout(() => void retire(), idleMs).unref();
    }
  };
  return {
    async proofOfWork({ lastProof, lastHash }, { difficulty, powRule }, { signal } = {}) {
      signal?.throwIfAborted();
      // One search at a time: each worker holds a single request in flight. The queue waits for
      // the search itself, not for the caller's answer, which an abort gives early.
      const run = queue.then(() => search({ lastProof, difficulty, suffix: guessSuffix(powRule, lastHash) }, signal));
      queue = run.catch(() => undefined);
      return signal === undefined ? run : rejectOnAbort(run, signal);
    },
    async close() {
      closed = true;
      clearTimeout(idle);
      await retire();
    },
  };
}

async function searchAll(pool: SearchWorker[], request: Search, signal: AbortSignal | undefined): Promise<number> {
  let next = 0;
  let best = Infinity;
  // Ranges go out in ascending order and every range below a found proof is finished before we
  // return, so the result is the smallest proof: the one the reference's loop would find.
  // An abort stops handing out ranges, but each worker's range in flight is awaited: a worker
  // serves one request at a time, and the next search must find it free.
  const drain = async (worker: SearchWorker): Promise<void> => {
    while (next < best && !signal?.aborted) {
      const start = next;
      next += RANGE_SIZE;
      const proof = await worker.search({ ...request, start, end: start + RANGE_SIZE });
      if (proof !== undefined && proof < best) best = proof;
    }
  };
  await Promise.all(pool.map(drain));
  signal?.throwIfAborted();
  return best;
}

/** `promise`, or a rejection with `signal.reason` as soon as the signal aborts, whichever comes first. */
function rejectOnAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    // Whatever the aborter gave: an AbortError when it gave nothing.
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

interface PendingSearch {
  resolve: (proof: number | undefined) => void;
  reject: (error: Error) => void;
}

class SearchWorker {
  #worker: Worker;
  #pending: PendingSearch | undefined;
  #closing = false;
  #exitCode: number | undefined;

  constructor() {
    // Under ts-jest this module is TypeScript: Node then runs the worker's .ts source itself.
    const file = join(__dirname, `proof-worker${extname(__filename)}`);
    this.#worker = new Worker(file, { execArgv: ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'] });
    this.#worker.unref();
    this.#worker.on('message', (result: SearchResult) => this.#take()?.resolve(result.proof));
    this.#worker.on('error', (error: Error) => this.#take()?.reject(error));
    this.#worker.on('exit', (code) => {
      this.#exitCode = code;
      this.#take()?.reject(this.#closing ? new MinerClosedError() : new Error(`proof worker exited with code ${code}`));
    });
  }

  search(request: SearchRequest): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#closing) return reject(new MinerClosedError());
      if (this.#exitCode !== undefined) return reject(new Error(`proof worker exited with code ${this.#exitCode}`));
      this.#pending = { resolve, reject };
      this.#worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#worker.terminate();
  }

  #take(): PendingSearch | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending;
  }
}
