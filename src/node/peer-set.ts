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
}

/** The registered peers, in the order they were first registered (resolve's tie-break depends on it). */
export class PeerSet {
  #peers = new Map<string, PeerStatus>();
  #self: Set<string>;
  /** Other names of registered peers (a replica by its IP and by its host name), to the name kept. */
  #aliases = new Map<string, string>();

  /** `selfAddresses` are the `host:port` forms under which this node would reach itself. */
  constructor(selfAddresses: Iterable<string> = []) {
    this.#self = new Set(selfAddresses);
  }

  /** Registers a normalised `host:port`; never this node itself. */
  add(address: string): 'added' | 'known' | 'self' {
    if (this.#self.has(address)) return 'self';
    if (this.#peers.has(address) || this.#aliases.has(address)) return 'known';
    this.#peers.set(address, { node: address, reachable: undefined, lastSeen: undefined, length: undefined, lastError: undefined, nodeId: undefined });
    return 'added';
  }

  /** Forgets a peer, and its aliases (the addresses may be another node's next); returns whether it was registered. */
  remove(address: string): boolean {
    for (const [alias, name] of this.#aliases) if (name === address || alias === address) this.#aliases.delete(alias);
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
    this.#peers.delete(address);
    this.#aliases.set(address, first.node);
    return first.node;
  }

  /** Forgets a peer that turned out to be this node under another name. */
  markSelf(address: string): void {
    this.#self.add(address);
    this.#peers.delete(address);
  }

  /**
   * Records an exchange with a registered peer: whether it answered at all (at `at` seconds), the
   * length it reported, and what was wrong, if anything, with the exchange or the answer.
   */
  record(address: string, { answered, at, length, error }: { answered: boolean; at: number; length?: number; error?: string }): void {
    const status = this.#peers.get(address);
    if (status === undefined) return;
    status.reachable = answered;
    if (answered) status.lastSeen = at;
    if (length !== undefined) status.length = length;
    status.lastError = error;
  }

  list(): readonly string[] {
    return [...this.#peers.keys()];
  }

  statuses(): readonly PeerStatus[] {
    return [...this.#peers.values()].map((status) => ({ ...status }));
  }
}
