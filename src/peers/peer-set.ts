/** What this node last learned of a peer when it asked for its chain. */
export interface PeerStatus {
  node: string;
  /** Undefined until the peer was first asked. */
  reachable: boolean | undefined;
  /** Seconds since the epoch of the last good answer. */
  lastSeen: number | undefined;
  /** The chain length the peer reported last. */
  length: number | undefined;
  /** Why the last exchange failed, when it did. */
  lastError: string | undefined;
  /** The id the peer gave (X-Chainlab-Node-Id), once it answered; the reference gives none. */
  nodeId: string | undefined;
  /** Seconds since the epoch of the first exchange it did not answer, in the run of them going on. */
  downSince: number | undefined;
}

/** What an exchange with a peer answering, or not, may mean for this node. */
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
 * started together come up in any order: a peer not up yet is expected, not a fault.
 */
export const START_GRACE_SECONDS = 30;

/** The registered peers, in the order they were first registered (resolve's tie-break depends on it). */
export class PeerSet {
  #peers = new Map<string, PeerStatus>();
  #self: Set<string>;
  /** Other names of registered peers (a replica by its IP and by its host name), to the name kept. */
  #aliases = new Map<string, string>();
  /** Peers reported down (PeerNews lost or missing) that have not answered since. */
  #reportedDown = new Set<string>();

  /** `selfAddresses` are the `host:port` forms under which this node would reach itself. */
  constructor(selfAddresses: Iterable<string> = []) {
    this.#self = new Set(selfAddresses);
  }

  /** Registers a normalised `host:port`; never this node itself. */
  add(address: string): 'added' | 'known' | 'self' {
    if (this.#self.has(address)) return 'self';
    if (this.#peers.has(address) || this.#aliases.has(address)) return 'known';
    this.#peers.set(address, {
      node: address,
      reachable: undefined,
      lastSeen: undefined,
      length: undefined,
      lastError: undefined,
      nodeId: undefined,
      downSince: undefined,
    });
    return 'added';
  }

  /** Forgets a peer, and its aliases (the addresses may be another node's next); returns whether it was registered. */
  remove(address: string): boolean {
    for (const [alias, name] of this.#aliases) if (name === address || alias === address) this.#aliases.delete(alias);
    return this.#forget(address);
  }

  #forget(address: string): boolean {
    this.#reportedDown.delete(address);
    return this.#peers.delete(address);
  }

  /**
   * Notes the id a peer answered with. When a peer registered earlier has the same id, this is
   * the same node under another name: it is forgotten and kept as an alias, and the earlier
   * name is returned.
   */
  identify(address: string, nodeId: string): string | undefined {
    const status = this.#peers.get(address);
    if (status === undefined) return undefined;
    const first = [...this.#peers.values()].find((peer) => peer.nodeId === nodeId && peer.node !== address);
    if (first === undefined) {
      status.nodeId = nodeId;
      return undefined;
    }
    this.#forget(address);
    this.#aliases.set(address, first.node);
    return first.node;
  }

  /** Forgets a peer that turned out to be this node under another name. */
  markSelf(address: string): void {
    this.#self.add(address);
    this.#forget(address);
  }

  /**
   * Records an exchange with a registered peer at `at` seconds: whether it answered at all, the
   * length it reported, and what was wrong, if anything, with the exchange or the answer. Every
   * part of the node that asks a peer records here, so all of them show the same standing. Returns
   * the news, if the exchange made any.
   */
  record(address: string, { answered, length, error }: Exchange, at: number): PeerNews | undefined {
    const status = this.#peers.get(address);
    if (status === undefined) return undefined;
    status.reachable = answered;
    if (length !== undefined) status.length = length;
    status.lastError = error;
    return answered ? this.#answered(status, at) : this.#unanswered(status, at);
  }

  #answered(status: PeerStatus, at: number): PeerNews | undefined {
    const firstTime = status.lastSeen === undefined;
    const downSeconds = at - (status.downSince ?? at);
    const wasReported = this.#reportedDown.delete(status.node);
    status.lastSeen = at;
    status.downSince = undefined;
    if (firstTime) return { kind: 'reached' };
    return wasReported ? { kind: 'back', downSeconds } : undefined;
  }

  #unanswered(status: PeerStatus, at: number): PeerNews | undefined {
    status.downSince ??= at;
    if (this.#reportedDown.has(status.node)) return undefined;
    const downSeconds = at - status.downSince;
    // One that answered before is down now; one that never did may still be starting.
    const news: PeerNews | undefined =
      status.lastSeen !== undefined ? { kind: 'lost' } : downSeconds >= START_GRACE_SECONDS ? { kind: 'missing', downSeconds } : undefined;
    if (news !== undefined) this.#reportedDown.add(status.node);
    return news;
  }

  /** What is known of one peer; undefined when it is not registered. */
  status(address: string): PeerStatus | undefined {
    const status = this.#peers.get(address);
    return status === undefined ? undefined : { ...status };
  }

  list(): readonly string[] {
    return [...this.#peers.keys()];
  }

  statuses(): readonly PeerStatus[] {
    return [...this.#peers.values()].map((status) => ({ ...status }));
  }
}
