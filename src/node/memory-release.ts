// Adopting a long chain passes a lot of memory through the node: the peer's body, its parse, the
// checks, and the answer to GET /nodes/resolve (2.7 MB of JSON at 10,000 blocks). Most of it is
// garbage a moment later, but V8 collects it only when the heap grows again, and the pages it does
// collect stay with the process: 1 s after adopting 10,000 blocks the heap held 54 MB for 17 MB
// alive, and the process kept 40 MB more than it did idle. V8's memory reducer gives it back by
// itself, but only some 10 s later. One memory-reducing full collection now (V8's "last resort"
// flavour: compacts the old generation, shrinks the young one, gives freed pages back) brings the
// node back to idle plus the chain at once. It is a pause of its own, which grows with what is alive,
// the chain above all (about 40 ms at 10,000 blocks, 800 ms at 100,000), so it runs only after a
// bulk change, only once the event loop is quiet, only while the chain is short enough to collect in
// tens of ms, and at most once a minute. Anything else is left to V8's own collections: a busy
// node's allocations drive them, and the memory reducer collects a large heap incrementally,
// without one long pause.
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log/log.ts';

export interface MemoryReleaseOptions {
  /** Fewer blocks adopted or restored at once leave too little garbage to be worth a pause. */
  minBlocks: number;
  /** A node holding a longer chain would pause too long: its memory is left to V8. */
  maxChainBlocks: number;
  /** Least time between two collections, in ms. */
  minIntervalMs: number;
  /** How often the event loop is looked at while a collection waits for it to be quiet, in ms. */
  checkMs: number;
  /** The loop counts as quiet when it was busy less than this share of the last check's interval. */
  quietShare: number;
  /** A collection still waiting for a quiet loop this long after its bulk change is dropped, in ms. */
  maxWaitMs: number;
}

export const MEMORY_RELEASE: MemoryReleaseOptions = {
  minBlocks: 1000,
  maxChainBlocks: 20_000,
  minIntervalMs: 60_000,
  checkMs: 100,
  quietShare: 0.25,
  maxWaitMs: 5000,
};

export interface MemoryReleaseDeps {
  /** One memory-reducing full collection: `gc` as node's --expose-gc gives it, or nothing without the flag. */
  collect: (() => void) | undefined;
  log: Logger;
  /** The share of the time the event loop was busy since the last call, 0 to 1. */
  loopBusy?: () => number;
  /** Milliseconds on a clock that only goes forward. */
  now?: () => number;
}

/** The garbage collector of `--expose-gc`, in its memory-reducing flavour; undefined without the flag. */
export function exposedCollector(): (() => void) | undefined {
  const { gc } = globalThis;
  return gc === undefined ? undefined : () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** Collects the garbage a bulk change left, once the node is quiet (see the top of this file). */
export class MemoryRelease {
  #deps: Required<Omit<MemoryReleaseDeps, 'collect'>> & Pick<MemoryReleaseDeps, 'collect'>;
  #options: MemoryReleaseOptions;
  #lastCollected = -Infinity;
  /** When the bulk change a collection waits for happened, and how many blocks it brought. */
  #due: { since: number; blocks: number } | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: MemoryReleaseDeps, options: MemoryReleaseOptions = MEMORY_RELEASE) {
    this.#deps = { loopBusy: eventLoopBusy(), now: () => performance.now(), ...deps };
    this.#options = options;
  }

  /**
   * `blocks` blocks were adopted or restored at once, leaving a chain of `chainLength`: collect once
   * the loop is quiet, if it is worth it.
   */
  afterBulk(blocks: number, chainLength: number): void {
    const { collect, loopBusy, now } = this.#deps;
    if (collect === undefined || this.#due !== undefined) return;
    if (blocks < this.#options.minBlocks || chainLength > this.#options.maxChainBlocks) return;
    if (now() - this.#lastCollected < this.#options.minIntervalMs) return;
    this.#due = { since: now(), blocks };
    loopBusy(); // what the first check reads starts now, not at the last collection
    this.#timer = setInterval(() => this.check(), this.#options.checkMs).unref();
  }

  /** One look at the loop while a collection is due; the timer calls it every checkMs. */
  check(): void {
    const due = this.#due;
    if (due === undefined) return;
    const { loopBusy, now, log } = this.#deps;
    if (loopBusy() < this.#options.quietShare) return this.#collect(due.blocks);
    if (now() - due.since >= this.#options.maxWaitMs) {
      log.debug({ blocks: due.blocks }, `left the memory of ${due.blocks} blocks to V8's own collections: the node stayed busy`);
      this.#settle();
    }
  }

  stop(): void {
    this.#settle();
  }

  #collect(blocks: number): void {
    const { collect, log, now } = this.#deps;
    const before = process.memoryUsage();
    const started = now();
    collect?.();
    const ms = now() - started;
    this.#lastCollected = now();
    this.#settle();
    const after = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    log.info(
      {
        blocks,
        ms: Math.round(ms),
        rss_before: before.rss,
        rss_after: after.rss,
        heap_before: before.heapTotal,
        heap_after: after.heapTotal,
      },
      `released the memory ${blocks} blocks passed through: heap ${mb(before.heapTotal)} → ${mb(after.heapTotal)} MB, resident ${mb(before.rss)} → ${mb(after.rss)} MB, in ${Math.round(ms)} ms`,
    );
  }

  #settle(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#due = undefined;
  }
}

/** The event loop's busy share since the previous call (the first call: since the process started). */
function eventLoopBusy(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const current = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(current, last);
    last = current;
    return utilization;
  };
}
