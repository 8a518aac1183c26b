import { Backoff } from '../peers/backoff.ts';

/** The first wait after an invalid answer: the default sync interval, so the next round already skips the peer. */
export const FIRST_PENALTY_MS = 2000;
/** The longest wait: a peer that keeps answering badly is still asked now and then, in case it was mended. */
export const LAST_PENALTY_MS = 5 * 60 * 1000;
/** How much of the last reason a skip repeats: enough to say what was wrong, not a peer's whole text. */
const REASON_CHARS = 200;

/** What a failed request says of itself: whether the peer answered, and with what HTTP status. */
export interface Failure {
  reason: string;
  answered?: boolean;
  status?: number;
}

interface Penalty {
  backoff: Backoff;
  /** Seconds since the epoch. */
  until: number;
  reason: string;
}

/**
 * Peers whose last answer was invalid, each skipped by syncs for a while. Such an answer may have
 * cost the node seconds of parsing and checking (a body near the size limit is read and parsed
 * whole), and a peer that sent one will likely send it again: asking it every round would let it
 * keep the node busy. The wait doubles with each invalid answer and ends with a valid one.
 */
export class PeerPenalties {
  readonly #penalties = new Map<string, Penalty>();

  /**
   * Whether a failure counts against the peer: an answer that was read and found wanting (bad JSON,
   * too large, an invalid chain). A timeout or an unreachable peer cost at most the deadline, and
   * an HTTP error status is a few bytes: those are tried again next round, as before.
   */
  static isInvalidAnswer(failure: Failure): boolean {
    return failure.answered !== false && failure.status === undefined;
  }

  /** Why `peer` is not to be asked at `now` (seconds), if it is still under a penalty. */
  skipReason(peer: string, now: number): string | undefined {
    const penalty = this.#penalties.get(peer);
    if (penalty === undefined || now >= penalty.until) return undefined;
    const seconds = Math.ceil(penalty.until - now);
    return `${peer}: skipped for another ${seconds} s after an invalid answer: ${penalty.reason}`;
  }

  penalise(peer: string, reason: string, now: number): void {
    const penalty = this.#penalties.get(peer) ?? { backoff: new Backoff(FIRST_PENALTY_MS, LAST_PENALTY_MS), until: 0, reason };
    penalty.until = now + penalty.backoff.next() / 1000;
    penalty.reason = reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS)}…` : reason;
    this.#penalties.set(peer, penalty);
  }

  /** A valid answer: the peer is asked every round again, and a later invalid answer starts from the first wait. */
  clear(peer: string): void {
    this.#penalties.delete(peer);
  }

  /** Forgets the peers no longer registered, so the map stays as small as the peer set. */
  keepOnly(peers: readonly string[]): void {
    const kept = new Set(peers);
    for (const peer of this.#penalties.keys()) if (!kept.has(peer)) this.#penalties.delete(peer);
  }
}
