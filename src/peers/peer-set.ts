import { Allowance } from './allowance.ts';
import { parsePeerAddress } from './peer-address.ts';
import { noValidAnswer, PeerStanding, START_GRACE_SECONDS, type Exchange, type PeerNews, type PeerStatus } from './peer-standing.ts';

export { START_GRACE_SECONDS, type Exchange, type PeerNews, type PeerStatus } from './peer-standing.ts';

/** How many new peers clients may register a second, once the burst of `maxPeers` is spent. */
export const ADMISSIONS_PER_SECOND = 2;

/**
 * Other names remembered (this node's own, the aliases of peers), oldest let go first beyond it. A
 * name let go costs only a request: the next sync finds it out again.
 */
const MAX_OTHER_NAMES = 1024;

/**
 * Who names a peer. `config`: PEERS, or DNS for a name in PEERS (peer-discovery.ts): the operator's
 * choice, never replaced by another peer and taken beyond the cap if it must. `client`: POST
 * /nodes/register, a person or a peer introducing itself; bounded in count and rate.
 */
export type PeerSource = 'config' | 'client';

/** What registering some addresses did: all of them were taken (or known), or none, and why. */
export type Admission =
  | { ok: true; added: string[]; self: string[]; replaced: { peer: string; silentSeconds: number }[] }
  /** `address`: one is no peer address (at `index`); `too-many`: more than maxPeers at once; `full`, `rate`: the bounds. */
  | { ok: false; refusal: 'address'; reason: string; index: number }
  | { ok: false; refusal: 'too-many' | 'full' | 'rate'; reason: string };

export interface PeerLimits {
  /** Most peers kept (MAX_PEERS); also the burst of new peers clients may register at once. */
  maxPeers: number;
}

/**
 * The registered peers, in the order they were first registered (resolve's tie-break depends on it),
 * and the one place that records their standing: every part of the node that asks a peer records
 * here, so all of them show the same. Addresses are normalised here, where they become keys, so that
 * no spelling of a peer is a second peer.
 */
export class PeerSet {
  #peers = new Map<string, PeerStanding>();
  #self = new Set<string>();
  /** Other names of registered peers (a replica by its IP and by its host name), to the name kept. */
  #aliases = new Map<string, string>();
  #maxPeers: number;
  /** New peers clients may register: maxPeers at once, then ADMISSIONS_PER_SECOND. */
  #allowance: Allowance;

  constructor({ maxPeers }: PeerLimits) {
    this.#maxPeers = maxPeers;
    this.#allowance = new Allowance(maxPeers, ADMISSIONS_PER_SECOND);
  }

  /**
   * Registers addresses, normalised (see parsePeerAddress), all of them or none. This node itself is
   * skipped. When the set is full, a new peer takes the place of one from a client that has given no
   * valid answer for START_GRACE_SECONDS, the longest silent first; with too few such, a client's
   * addresses are refused. So are more than clients may add at the rate allowed: a reflector aimed at
   * other hosts, or a churn of peers, is bounded along with the count. `at`: seconds since the epoch.
   */
  admit(addresses: readonly string[], source: PeerSource, at: number): Admission {
    if (source === 'client' && addresses.length > this.#maxPeers) {
      const reason = `at most ${this.#maxPeers} nodes can be registered at once, got ${addresses.length}`;
      return { ok: false, refusal: 'too-many', reason };
    }
    const normalised: string[] = [];
    for (const [index, address] of addresses.entries()) {
      const verdict = parsePeerAddress(address);
      if (!verdict.ok) return { ok: false, refusal: 'address', reason: verdict.reason, index };
      normalised.push(verdict.value);
    }
    const fresh = [...new Set(normalised)].filter((address) => !this.#self.has(address) && this.#nameOf(address) === undefined);
    if (source === 'config') for (const address of normalised) this.#protect(address);
    const refusal = source === 'client' ? this.#refusal(fresh.length, at) : undefined;
    if (refusal !== undefined) return refusal;
    const replaced = this.#replaceable(at).slice(0, this.#lacking(fresh.length));
    for (const { peer } of replaced) this.#peers.delete(peer);
    for (const address of fresh) this.#peers.set(address, new PeerStanding(address, source === 'config'));
    if (source === 'client') this.#allowance.take(fresh.length);
    return { ok: true, added: fresh, self: normalised.filter((address) => this.#self.has(address)), replaced };
  }

  #refusal(count: number, at: number): Admission | undefined {
    if (this.#lacking(count) > this.#replaceable(at).length) {
      const silent = `too few silent for ${START_GRACE_SECONDS} s to make room for ${count} more`;
      return { ok: false, refusal: 'full', reason: `the node has ${this.#peers.size} of its ${this.#maxPeers} peers, and ${silent}` };
    }
    const available = this.#allowance.available(at);
    if (count <= available) return undefined;
    const reason = `too many new peers: ${available} more can be registered now, then ${ADMISSIONS_PER_SECOND} a second`;
    return { ok: false, refusal: 'rate', reason };
  }

  /** How many places `count` new peers lack, beyond the room left below maxPeers. */
  #lacking(count: number): number {
    return Math.max(0, count - Math.max(0, this.#maxPeers - this.#peers.size));
  }

  /** Peers from clients that gave no valid answer for the grace period, the longest silent first. */
  #replaceable(at: number): { peer: string; silentSeconds: number }[] {
    return [...this.#peers.values()]
      .flatMap((peer) => (peer.fromConfig ? [] : [{ peer: peer.node, silentSeconds: peer.silentSeconds(at) ?? -1 }]))
      .filter(({ silentSeconds }) => silentSeconds >= START_GRACE_SECONDS)
      .sort((a, b) => b.silentSeconds - a.silentSeconds);
  }

  #protect(address: string): void {
    const peer = this.#peers.get(this.#nameOf(address) ?? address);
    if (peer !== undefined) peer.fromConfig = true;
  }

  /** The name a registered peer is kept under, if `address` is it or one of its aliases. */
  #nameOf(address: string): string | undefined {
    return this.#peers.has(address) ? address : this.#aliases.get(address);
  }

  /** Forgets a peer, and its aliases (the addresses may be another node's next); returns whether it was registered. */
  remove(address: string): boolean {
    const key = normalised(address);
    for (const [alias, name] of this.#aliases) if (name === key || alias === key) this.#aliases.delete(alias);
    return this.#peers.delete(key);
  }

  /**
   * Notes the id a peer claims. Returns the peers registered before it that claim the same one: the
   * same node under another name, or a liar. The claim alone decides nothing (see mergeAlias).
   */
  identify(address: string, nodeId: string): string[] {
    const peer = this.#peers.get(address);
    if (peer === undefined) return [];
    peer.nodeId = nodeId;
    const earlier = [...this.#peers.values()].slice(0, [...this.#peers.keys()].indexOf(address));
    return earlier.filter((other) => other.nodeId === nodeId).map((other) => other.node);
  }

  /**
   * Forgets `alias`, shown to be the endpoint of `name` (see sameEndpoint), and keeps it as another
   * name of that peer; returns whether it did (both may be gone meanwhile).
   */
  mergeAlias(alias: string, name: string): boolean {
    const kept = this.#peers.get(this.#nameOf(name) ?? name);
    const merged = this.#peers.get(alias);
    if (kept === undefined || merged === undefined || kept === merged) return false;
    kept.fromConfig ||= merged.fromConfig;
    this.#peers.delete(alias);
    for (const [other, to] of this.#aliases) if (to === alias) this.#aliases.set(other, kept.node);
    remember(this.#aliases, alias, kept.node);
    return true;
  }

  /** Forgets a peer that turned out to be this node under another name, and never registers that name again. */
  markSelf(address: string): void {
    const key = normalised(address);
    this.#self.delete(key);
    this.#self.add(key);
    if (this.#self.size > MAX_OTHER_NAMES) this.#self.delete(this.#self.values().next().value!);
    this.#peers.delete(key);
  }

  /**
   * Records an exchange with a registered peer at `at` seconds: whether it answered at all, the
   * length it reported, and what was wrong, if anything, with the exchange or the answer. Returns
   * the news, if the exchange made any.
   */
  record(address: string, exchange: Exchange, at: number): PeerNews | undefined {
    return this.#peers.get(address)?.record(exchange, at);
  }

  /**
   * A reason for a failed exchange with a peer, as clients may see it (GET /nodes, resolve, events).
   * Anyone can register any host:port: if the reasons of a peer that never gave a valid answer told
   * a refused connection from a timeout or from another service's 404, the node would scan ports for
   * them. Those peers get one text; the exact reason goes to the log (see lastReason).
   */
  shownReason(address: string, reason: string): string {
    return this.#peers.get(address)?.shownReason(reason) ?? noValidAnswer(address);
  }

  /** Why the last exchange with a peer failed, exactly: for the operator's log only. */
  lastReason(address: string): string | undefined {
    return this.#peers.get(address)?.lastError;
  }

  /** What is known of one peer, as it is shown; undefined when it is not registered. */
  status(address: string): PeerStatus | undefined {
    return this.#peers.get(address)?.shown();
  }

  list(): readonly string[] {
    return [...this.#peers.keys()];
  }

  statuses(): readonly PeerStatus[] {
    return [...this.#peers.values()].map((peer) => peer.shown());
  }
}

function normalised(address: string): string {
  const verdict = parsePeerAddress(address);
  return verdict.ok ? verdict.value : address;
}

/** Sets `key` in a map of names that keeps at most MAX_OTHER_NAMES, the oldest let go first. */
function remember(names: Map<string, string>, key: string, value: string): void {
  names.delete(key);
  names.set(key, value);
  if (names.size > MAX_OTHER_NAMES) names.delete(names.keys().next().value!);
}
