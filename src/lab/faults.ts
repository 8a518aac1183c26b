import type { Verdict } from '../chain/validate.ts';
import { parsePeerAddress, splitHostPort } from '../peers/peer-address.ts';

/** Most groups in a partition, names in one request, and links kept: a lab has a handful of nodes. */
export const MAX_NAMES = 64;
/** Longest name of a node: longer than any node id or `host:port` worth naming. */
export const MAX_NAME_CHARS = 256;
/** Longest delay a link may add: past any exchange deadline, so "never answers in time" can be shown. */
export const MAX_DELAY_MS = 60_000;

/** What this node does to what it sends to one peer: waits `delay_ms` first, and drops it with probability `loss`. */
export interface LinkFault {
  delay_ms: number;
  loss: number;
}

/** A node as this node knows it: its `host:port` (if it is a peer this node reaches) and the id it claims, if any. */
export interface KnownNode {
  address?: string | undefined;
  nodeId?: string | undefined;
}

/** A registered peer as the fault table reads it (PeerStatus has these). */
export interface PeerName {
  node: string;
  nodeId: string | undefined;
}

/** Who this node is, and whom it knows: what names are resolved against. */
export interface Acquaintances {
  self: KnownNode;
  peers: readonly PeerName[];
}

/** What the lab does to one exchange with a peer, outbound: cut it (and why), or delay it and maybe drop it. */
export type OutboundFault = { cut: string } | { cut?: undefined; delayMs: number; loss: number };

/**
 * Whether `name` names `node`: its id exactly, its `host:port` in any spelling parsePeerAddress
 * takes, or a bare host (`node3`) that is the host of its address (`node3:5000`).
 */
export function names(name: string, node: KnownNode): boolean {
  if (node.nodeId !== undefined && name === node.nodeId) return true;
  if (node.address === undefined) return false;
  const address = parsePeerAddress(name);
  if (address.ok) return address.value === node.address;
  return !name.includes(':') && name.toLowerCase() === splitHostPort(node.address).host;
}

/**
 * The groups of a partition as a client sent them, checked for shape and bounds: a list of 1 to
 * MAX_NAMES lists of names, no name twice. Whether each names a node is resolveGroups' question.
 */
export function parseGroups(value: unknown): Verdict<string[][]> {
  const shape = 'expected {"groups": [["node1", "node2"], ["node3"]]}';
  if (!Array.isArray(value) || value.length === 0) return { ok: false, reason: `${shape}: groups must be a non-empty list of lists` };
  if (value.length > MAX_NAMES) return { ok: false, reason: `at most ${MAX_NAMES} groups, got ${value.length}` };
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const [g, group] of value.entries()) {
    if (!Array.isArray(group) || group.length === 0) return { ok: false, reason: `groups[${g}] must be a non-empty list of names` };
    // The names as checked (trimmed) are the names kept: resolveGroups and the fault table read these.
    const checked: string[] = [];
    for (const [i, name] of group.entries()) {
      const verdict = parseName(name, `groups[${g}][${i}]`);
      if (!verdict.ok) return verdict;
      if (seen.has(verdict.value)) return { ok: false, reason: `groups[${g}][${i}]: '${verdict.value}' is named twice` };
      seen.add(verdict.value);
      if (seen.size > MAX_NAMES) return { ok: false, reason: `at most ${MAX_NAMES} names in all the groups` };
      checked.push(verdict.value);
    }
    groups.push(checked);
  }
  return { ok: true, value: groups };
}

/** A name of a node: a non-empty string of at most MAX_NAME_CHARS. */
export function parseName(value: unknown, what: string): Verdict<string> {
  if (typeof value !== 'string' || value.trim() === '') return { ok: false, reason: `${what} must be a node id or host:port` };
  if (value.length > MAX_NAME_CHARS) return { ok: false, reason: `${what} is longer than ${MAX_NAME_CHARS} characters` };
  return { ok: true, value: value.trim() };
}

/** `{peer, delay_ms, loss}` checked for bounds; a missing delay or loss is 0. */
export function parseLink(body: unknown): Verdict<{ peer: string; link: LinkFault }> {
  const { peer, delay_ms = 0, loss = 0 } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const name = parseName(peer, 'peer');
  if (!name.ok) return { ok: false, reason: `expected {"peer": "node3", "delay_ms": 300, "loss": 0.2}: ${name.reason}` };
  if (typeof delay_ms !== 'number' || !Number.isInteger(delay_ms) || delay_ms < 0 || delay_ms > MAX_DELAY_MS)
    return { ok: false, reason: `delay_ms must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}` };
  if (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0 || loss > 1)
    return { ok: false, reason: 'loss must be a probability from 0 to 1' };
  return { ok: true, value: { peer: name.value, link: { delay_ms, loss } } };
}

/**
 * Checks that every name of `groups` names this node or a registered peer, and that no node is in
 * two groups (by two of its names): a partition naming a node nobody knows is a typo, refused
 * before anything changes. Only the node a client asks does this; a node a partition is relayed to
 * takes it as the first node resolved it, names it does not know included.
 */
export function resolveGroups(groups: readonly (readonly string[])[], { self, peers }: Acquaintances): Verdict<void> {
  const known: KnownNode[] = [self, ...peers.map(({ node, nodeId }) => ({ address: node, nodeId }))];
  for (const [g, group] of groups.entries())
    for (const name of group)
      if (!known.some((node) => names(name, node)))
        return { ok: false, reason: `groups[${g}]: '${name}' names neither this node nor any of its peers (see GET /nodes)` };
  for (const node of known) {
    const placed = groups.flatMap((group, g) => (group.some((name) => names(name, node)) ? [g] : []));
    if (placed.length > 1) return { ok: false, reason: `${describe(node)} is in groups ${placed.join(' and ')}: a node is in one group` };
  }
  return { ok: true, value: undefined };
}

/** Checks that a link's peer names a registered peer (not this node): a link to nobody is a typo. */
export function resolvePeer(peer: string, { self, peers }: Acquaintances): Verdict<void> {
  if (names(peer, self)) return { ok: false, reason: `peer '${peer}' is this node: a link is to another node` };
  if (peers.some(({ node, nodeId }) => names(peer, { address: node, nodeId }))) return { ok: true, value: undefined };
  return { ok: false, reason: `peer '${peer}' names none of this node's peers (see GET /nodes)` };
}

function describe({ nodeId, address }: KnownNode): string {
  return nodeId !== undefined && address !== undefined ? `${nodeId} (${address})` : (nodeId ?? address ?? 'a node');
}

/** What GET /lab shows of the faults. */
export interface FaultView {
  /** As given, each name trimmed; null: no partition. */
  groups: string[][] | null;
  links: ({ peer: string } & LinkFault)[];
  paused: boolean;
}

/**
 * This node's faults, in memory only: the partition's groups, per-peer link faults and whether it
 * is paused, and what they do to one exchange. It holds no I/O, clock or randomness: the client
 * decorator (lab-client.ts) and the inbound check (inbound.ts) act on its answers.
 */
export class FaultTable {
  #groups: string[][] | undefined;
  /** By the name given, in the order set; at most MAX_NAMES. */
  #links = new Map<string, LinkFault>();
  #paused = false;
  /** Until when (ms on `now`'s clock) this node talks to no peer: see quiet(). */
  #quietUntil = -Infinity;
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * Talks to no peer for `ms`: what a node does after a network-wide reset, which reaches the nodes
   * one after another. Without it, a node already back at genesis would catch up, in a sync round
   * between two resets, from a peer not reset yet, and after the last reset spread that old chain
   * to everyone again. Shown as no fault: it ends by itself.
   */
  quiet(ms: number): void {
    this.#quietUntil = Math.max(this.#quietUntil, this.#now() + ms);
  }

  #quietReason(): string | undefined {
    return this.#now() < this.#quietUntil ? 'this node is quiet for a moment after a network-wide reset' : undefined;
  }

  partition(groups: readonly (readonly string[])[]): void {
    this.#groups = groups.map((group) => [...group]);
  }

  /** Sets the link fault to `peer`; one of 0 ms and loss 0 removes it. Returns false when MAX_NAMES links are set already. */
  setLink(peer: string, link: LinkFault): boolean {
    if (link.delay_ms === 0 && link.loss === 0) {
      this.#links.delete(peer);
      return true;
    }
    if (!this.#links.has(peer) && this.#links.size >= MAX_NAMES) return false;
    this.#links.set(peer, { ...link });
    return true;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  /** Clears every fault: the partition, the links, the pause. */
  heal(): void {
    this.#groups = undefined;
    this.#links.clear();
    this.#paused = false;
    this.#quietUntil = -Infinity;
  }

  view(): FaultView {
    const links = [...this.#links].map(([peer, link]) => ({ peer, ...link }));
    return { groups: this.#groups?.map((group) => [...group]) ?? null, links, paused: this.#paused };
  }

  /** What the faults do to a request this node sends to the peer at `address`. */
  outbound(address: string, known: Acquaintances): OutboundFault {
    if (this.#paused) return { cut: 'this node is paused' };
    const quiet = this.#quietReason();
    if (quiet !== undefined) return { cut: quiet };
    const peer = { address, nodeId: known.peers.find(({ node }) => node === address)?.nodeId };
    if (!this.#together(known.self, [peer])) return { cut: `${address} is outside this node's group` };
    let delayMs = 0;
    let loss = 0;
    for (const [name, link] of this.#links)
      if (names(name, peer)) {
        delayMs = Math.max(delayMs, link.delay_ms);
        loss = Math.max(loss, link.loss);
      }
    return { delayMs, loss };
  }

  /**
   * Why a peer's request that claims to come from node `nodeId` is refused, if it is: this node is
   * paused, or that node is outside its group. The claim is not trusted for more than it can do: a
   * peer that lies its way past this gets what any client gets.
   */
  inbound(nodeId: string, known: Acquaintances): string | undefined {
    if (this.#paused) return 'this node is paused';
    const quiet = this.#quietReason();
    if (quiet !== undefined) return quiet;
    const registered = known.peers.filter((peer) => peer.nodeId === nodeId).map(({ node }) => ({ address: node, nodeId }));
    return this.#together(known.self, registered.length > 0 ? registered : [{ nodeId }])
      ? undefined
      : `${nodeId} is outside this node's group`;
  }

  /**
   * Whether the peer (any of its names) and this node are in the same group. A node named in no
   * group is in the group of all such: a partition that leaves a node out cuts it from the named ones.
   */
  #together(self: KnownNode, peer: readonly KnownNode[]): boolean {
    const groups = this.#groups;
    if (groups === undefined) return true;
    const groupOf = (nodes: readonly KnownNode[]) =>
      groups.findIndex((group) => group.some((name) => nodes.some((node) => names(name, node))));
    return groupOf([self]) === groupOf(peer);
  }
}
