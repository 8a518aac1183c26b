import { hash } from 'node:crypto';

/**
 * A broadcast tree over the sorted membership, after El-Ansary, Alima, Brand and Haridi, "Efficient
 * Broadcast in Structured P2P Networks" (IPTPS 2003), so that news costs each node a few requests,
 * not one per peer:
 * - every node places itself and its peers on a ring sorted by key (a node's id; a peer's address
 *   while its id is not known yet);
 * - a message carries a `limit`: the key up to which (exclusive) its receiver is responsible, going
 *   round the ring from itself. The origin of news is responsible for the whole ring: limit = its
 *   own key;
 * - a node responsible for (self, limit) splits the members it knows there, in ring order, into at
 *   most `fanout` contiguous segments, and tells the first member of each, with that segment's end
 *   as its limit (see branches()). Ranges shrink strictly, so there are no loops, and with the same
 *   view everywhere every member is told exactly once, in about log_fanout(N) hops;
 * - a member that cannot be told passes its segment to the next member of it (see handOver()), so one
 *   dead node does not cut off its subtree.
 * Ranges shrink strictly within one view. Across nodes whose views differ (one knows fewer peers,
 * or one by its address) a member may be told twice, which costs a request, or missed: loops are
 * still impossible because a node relays news only once, and the periodic sync (SYNC_INTERVAL_MS)
 * is the backstop that repairs a miss.
 *
 * For blocks the ring is drawn anew for each block (see blockKey): were it sorted by id alone, a
 * peer could pick an id that sorts just after a miner's, head half the ring for every block that
 * miner mines, and drop them.
 */

/** Segments a node splits its range into: 2 keeps three nodes direct (the miner tells both peers at once). */
export const FANOUT = 2;

/** Longest key, and so longest limit, on the ring: ids are anyone's to choose, a limit on the wire is bounded. */
export const MAX_KEY_CHARS = 256;

/** A node's place on the ring: its id (or address), cut to MAX_KEY_CHARS the same way on every node. */
export function ringKey(name: string): string {
  return name.length > MAX_KEY_CHARS ? name.slice(0, MAX_KEY_CHARS) : name;
}

/**
 * A node's place on the ring for one block: sha256 of its ring key and the block's hash, in hex.
 * Every node places every id at the same spot for that block, and nobody can choose an id that puts
 * it next to a given node for every block.
 */
export function blockKey(name: string, blockHash: string): string {
  return hash('sha256', `${ringKey(name)}:${blockHash}`);
}

/** A member to tell, and the limit it is told with. */
export interface Branch<M> {
  member: M;
  limit: string;
}

/** Whether `key` lies in the ring interval from `self` to `limit`, both excluded; limit = self is the whole ring. */
export function inRange(self: string, key: string, limit: string): boolean {
  if (key === self) return false;
  if (self < limit) return self < key && key < limit;
  if (self > limit) return key > self || key < limit;
  return true;
}

/**
 * The members with keys in (self, limit), in ring order from self. Two members with one key (one
 * node under two names, or a liar) count once, the first given: no limit can tell them apart.
 */
export function inRingOrder<M extends { key: string }>(self: string, members: readonly M[], limit: string): M[] {
  const seen = new Set<string>();
  const inside = members.filter(({ key }) => inRange(self, key, limit) && !seen.has(key) && seen.add(key));
  const lap = (key: string) => (key > self ? 0 : 1); // after self first, then round past the smallest key
  return inside.sort((a, b) => lap(a.key) - lap(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Whom a node responsible for (self, limit) tells: the members there split into at most `fanout`
 * contiguous segments of sizes as equal as can be, the first member of each with the segment's end
 * (the next segment's first key, or `limit` for the last) as its limit.
 */
export function branches<M extends { key: string }>(self: string, members: readonly M[], limit: string, fanout: number): Branch<M>[] {
  const ordered = inRingOrder(self, members, limit);
  const count = Math.min(Math.max(1, Math.floor(fanout)), ordered.length);
  const starts = Array.from({ length: count }, (_, i) => Math.floor((i * ordered.length) / count));
  return starts.map((start, i) => ({
    member: ordered[start]!,
    limit: i + 1 < count ? ordered[starts[i + 1]!]!.key : limit,
  }));
}

/**
 * Who takes over the segment of a member that could not be told (down, failing, or not taking
 * gossip): the next member of the segment, with the same limit; none when it was the last.
 */
export function handOver<M extends { key: string }>(failed: string, members: readonly M[], limit: string): Branch<M> | undefined {
  return branches(failed, members, limit, 1)[0];
}

/**
 * The wider of two ranges from `self` (the one whose limit is further round the ring), so that a
 * node owed both relays news over both. Undefined is no range.
 */
export function widerLimit(self: string, a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  // The whole ring (limit = self) is widest; then a limit after self on the first lap, then one past the smallest key.
  const reach = (limit: string): [number, string] => [limit === self ? 2 : limit > self ? 0 : 1, limit];
  const [lapA, keyA] = reach(a);
  const [lapB, keyB] = reach(b);
  return lapA > lapB || (lapA === lapB && keyA > keyB) ? a : b;
}
