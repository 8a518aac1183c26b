/**
 * What this node last learned of a peer when it asked for its chain, as it is shown (GET /nodes,
 * the explorer, events). Until a peer has given one valid answer, all that is shown is that it was
 * asked and gave none: see PeerSet.shownReason.
 */
export interface PeerStatus {
  node: string;
  /** Undefined until the peer was first asked; false until it first gave a valid answer. */
  reachable: boolean | undefined;
  /** Seconds since the epoch of the last good answer. */
  lastSeen: number | undefined;
  /** The chain length the peer reported last. */
  length: number | undefined;
  /** Why the last exchange failed, when it did. */
  lastError: string | undefined;
  /**
   * The id the peer claims (X-Chainlab-Node-Id), once it answered; the reference gives none. Shown,
   * never trusted: anyone can claim any id, since every node's is public in /health.
   */
  nodeId: string | undefined;
  /** Seconds since the epoch of the first exchange it did not answer, in the run of them going on. */
  downSince: number | undefined;
}

/** What an exchange with a peer answering, or not, may mean for this node. Answered, without an error, is a valid answer. */
export interface Exchange {
  answered: boolean;
  length?: number;
  /** What was wrong with the exchange or the answer, if anything. */
  error?: string;
}

/**
 * What an exchange changed that an operator wants to hear of: the peer answered for the first time,
 * answered again after it was reported down, stopped answering, or has never answered for longer
 * than the grace period. Anything else (still up, still down) is not news.
 */
export type PeerNews =
  { kind: 'reached' } | { kind: 'back'; downSeconds: number } | { kind: 'lost' } | { kind: 'missing'; downSeconds: number };

/**
 * How long a peer that has never answered may go on not answering before it is reported. Nodes
 * started together come up in any order: a peer not up yet is expected, not a fault. A peer without
 * a valid answer for longer than this may give its place to a new one (see PeerSet.admit).
 */
export const START_GRACE_SECONDS = 30;

/**
 * The standing of one registered peer, as every exchange with it leaves it (see PeerSet.record):
 * what is true, for the operator's log and for the node's own choices, and what is shown of it.
 */
export class PeerStanding {
  readonly node: string;
  /** Named in PEERS: see PeerSource. */
  fromConfig: boolean;
  #status: PeerStatus;
  /** Whether it ever gave a valid answer (a tip or a chain). */
  #answeredValidly = false;
  /** The first exchange without a valid answer, in the run of them going on. */
  #silentSince: number | undefined;
  /** Reported down (PeerNews lost or missing), and not answered since. */
  #reportedDown = false;

  constructor(node: string, fromConfig: boolean) {
    this.node = node;
    this.fromConfig = fromConfig;
    this.#status = {
      node,
      reachable: undefined,
      lastSeen: undefined,
      length: undefined,
      lastError: undefined,
      nodeId: undefined,
      downSince: undefined,
    };
  }

  /** The id it claims (see PeerStatus.nodeId). */
  get nodeId(): string | undefined {
    return this.#status.nodeId;
  }

  set nodeId(nodeId: string) {
    this.#status.nodeId = nodeId;
  }

  /** Why the last exchange failed, exactly: for the operator's log only. */
  get lastError(): string | undefined {
    return this.#status.lastError;
  }

  get answeredValidly(): boolean {
    return this.#answeredValidly;
  }

  /** How long, at `at`, it has gone on without a valid answer, in exchanges that did not give one; undefined if it answered last. */
  silentSeconds(at: number): number | undefined {
    return this.#silentSince === undefined ? undefined : at - this.#silentSince;
  }

  /** Records an exchange at `at` seconds; returns the news, if it made any. */
  record({ answered, length, error }: Exchange, at: number): PeerNews | undefined {
    const status = this.#status;
    status.reachable = answered;
    if (length !== undefined) status.length = length;
    status.lastError = error;
    if (answered && error === undefined) {
      this.#answeredValidly = true;
      this.#silentSince = undefined;
    } else this.#silentSince ??= at;
    return answered ? this.#answered(at) : this.#unanswered(at);
  }

  #answered(at: number): PeerNews | undefined {
    const status = this.#status;
    const firstTime = status.lastSeen === undefined;
    const downSeconds = at - (status.downSince ?? at);
    const wasReported = this.#reportedDown;
    this.#reportedDown = false;
    status.lastSeen = at;
    status.downSince = undefined;
    if (firstTime) return { kind: 'reached' };
    return wasReported ? { kind: 'back', downSeconds } : undefined;
  }

  #unanswered(at: number): PeerNews | undefined {
    const status = this.#status;
    status.downSince ??= at;
    if (this.#reportedDown) return undefined;
    const downSeconds = at - status.downSince;
    // One that answered before is down now; one that never did may still be starting.
    const news: PeerNews | undefined =
      status.lastSeen !== undefined ? { kind: 'lost' } : downSeconds >= START_GRACE_SECONDS ? { kind: 'missing', downSeconds } : undefined;
    this.#reportedDown = news !== undefined;
    return news;
  }

  /** A reason for a failed exchange, as clients may see it: see PeerSet.shownReason. */
  shownReason(reason: string): string {
    return this.#answeredValidly ? reason : noValidAnswer(this.node);
  }

  /** What is shown of it: until it gave a valid answer, only since when it was asked without one, and what it claims to be. */
  shown(): PeerStatus {
    const status = this.#status;
    if (this.#answeredValidly || status.reachable === undefined) return { ...status };
    const { node, nodeId } = status;
    return {
      node,
      reachable: false,
      lastSeen: undefined,
      length: undefined,
      lastError: noValidAnswer(node),
      nodeId,
      downSince: this.#silentSince,
    };
  }
}

/** The one reason shown for a peer that never answered validly, whatever failed. */
export function noValidAnswer(address: string): string {
  return `GET ${address}/chain/tip: no valid answer yet`;
}
