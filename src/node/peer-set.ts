/** The registered peers, in the order they were first registered (resolve's tie-break depends on it). */
export class PeerSet {
  #peers: string[] = [];
  #self: Set<string>;

  /** `selfAddresses` are the `host:port` forms under which this node would reach itself. */
  constructor(selfAddresses: Iterable<string> = []) {
    this.#self = new Set(selfAddresses);
  }

  /** Registers a normalised `host:port`; never this node itself. */
  add(address: string): 'added' | 'known' | 'self' {
    if (this.#self.has(address)) return 'self';
    if (this.#peers.includes(address)) return 'known';
    this.#peers.push(address);
    return 'added';
  }

  /** Forgets a peer that turned out to be this node under another name. */
  markSelf(address: string): void {
    this.#self.add(address);
    this.#peers = this.#peers.filter((peer) => peer !== address);
  }

  list(): readonly string[] {
    return this.#peers;
  }
}
