/**
 * One deadline for a whole exchange with a peer: the headers and body of every request in it, and
 * every request of an exchange made of several (a catch-up's `?from=N` steps, a tip and then the
 * whole chain). It starts with the exchange's first request, at that client's timeout, so a caller
 * need not know the timeout; dispose of it (`using`) when the exchange ends, which clears its timer.
 *
 * The AbortController is held here, strongly, by whoever runs the exchange, and the timer holds it
 * too. Signals derived from it (ky's `AbortSignal.any`, undici's own) are held only weakly by it, so
 * after a garbage collection they may never fire: whatever must stop at the deadline listens to this
 * signal itself.
 */
export class ExchangeDeadline implements Disposable {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  /** The budget, once started. */
  #ms: number | undefined;

  /**
   * Starts the clock, once: later calls (the exchange's later requests) leave it running. Returns
   * the budget in force, for reasons (`timeout after 2000 ms`).
   */
  start(ms: number): number {
    if (this.#ms !== undefined) return this.#ms;
    this.#ms = ms;
    const controller = this.#controller;
    this.#timer = setTimeout(() => controller.abort(new Error(`timeout after ${ms} ms`)), ms).unref();
    return ms;
  }

  /** Aborted once the deadline has passed. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get passed(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Resolves when the deadline passes (and never, if it is disposed of first). */
  expiry(): Promise<void> {
    const { signal } = this;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
  }
}
