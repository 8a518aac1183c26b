/** Waits that double from `minMs` to `maxMs`, each with up to a fifth added at random so peers do not retry in step. */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #next: number;

  constructor(minMs: number, maxMs: number) {
    this.#minMs = minMs;
    this.#maxMs = maxMs;
    this.#next = minMs;
  }

  next(): number {
    const wait = this.#next;
    this.#next = Math.min(this.#maxMs, this.#next * 2);
    return Math.round(wait * (1 + Math.random() / 5));
  }

  reset(): void {
    this.#next = this.#minMs;
  }
}
