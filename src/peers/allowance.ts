/**
 * A token bucket: `burst` at once, then `perSecond`. What it bounds here is how fast clients add
 * peers: with silent peers replaced by new ones, a client could otherwise churn through addresses
 * without end, each one asked at the next sync (a reflector aimed at any host:port).
 */
export class Allowance {
  readonly burst: number;
  readonly perSecond: number;
  #tokens: number;
  #at: number | undefined;

  constructor(burst: number, perSecond: number) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.#tokens = burst;
  }

  /** How many may be taken at `at` (seconds since the epoch); a clock that steps back refills nothing. */
  available(at: number): number {
    const elapsed = this.#at === undefined ? 0 : Math.max(0, at - this.#at);
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.perSecond);
    this.#at = at;
    return Math.floor(this.#tokens);
  }

  /** Takes `count`, as available() said they may be. */
  take(count: number): void {
    this.#tokens -= count;
  }
}
