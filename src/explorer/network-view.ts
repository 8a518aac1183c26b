import type { JsonObject, JsonValue } from '../chain/py-json.ts';
import { isObject, shown } from '../chain/validate.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { ChainNode } from '../node/chain-node.ts';
import { ExchangeDeadline } from '../peers/exchange-deadline.ts';
import type { PeerClient, PeerFailure } from '../peers/peer-client.ts';

/**
 * Most blocks of each chain the view shows, at its top: a page poll must not have every peer send
 * its whole chain (2.7 MB at 10,000 blocks), nor this node hash and send its own.
 */
export const NETWORK_BLOCKS = 100;

/** A block as the view lines chains up: its position and hash. */
export interface Link extends JsonObject {
  index: number;
  hash: string;
}

/** One node's chain as the explorer lines them up: positions and hashes only. */
export interface NetworkMember extends JsonObject {
  /** `host:port` for a peer; this node's id for itself (it does not know the name its peers use). */
  node: string;
  self: boolean;
  /** The node's id (X-Chainlab-Node-Id), what the page names it by; null for a peer not yet heard from, or a reference node. */
  node_id: string | null;
  /** The `host:port` peers reach it at: its registered address, or for this node the one it advertises. */
  address: string | null;
  /** As the peers table has it (GET /nodes): null for a peer never asked; false for a peer the lab cuts this node off from. */
  reachable: boolean | null;
  /** The chain's full length; `chain` holds only its last blocks. */
  length: number | null;
  chain: Link[];
  /** Why this peer's chain is not shown, as the peers table has it: the last exchange's error; or why the lab cuts it off. */
  error: string | null;
}

export interface NetworkViewOptions {
  /** Only the last `last` blocks of each chain, and never more than NETWORK_BLOCKS. */
  last?: number;
  /** The `host:port` this node advertises to its peers, when known. */
  selfAddress?: string | undefined;
  /**
   * Why the lab cuts this node off from `peer`, if it does (LAB=on): a partition, a pause, the quiet
   * after a reset. Without it no peer is cut.
   */
  cut?: ((peer: string) => string | undefined) | undefined;
}

/** What the network view needs of the node: its chain, and its peers' standing, which it adds to. */
export type NetworkNode = Pick<ChainNode, 'nodeId' | 'chain' | 'peers' | 'peerStatuses' | 'notePeerExchange'>;

/**
 * This node and each of its peers with the top of their chains, side by side. The browser cannot
 * reach the peers by their Docker hostnames, so the node asks them, all at once, each within the
 * peer client's timeout: a chainlab peer for its tip, and then only for the blocks of the window
 * (see peerTop); a reference node, which serves only GET /chain, for its whole chain, of which the
 * window is shown. Nothing here is validated or adopted: it shows what each node holds. The page's
 * events cover only its own node: a peer's new block shows there once it reaches this node (by
 * gossip or a resolve), while a peer that is behind, or does not gossip, announces nothing. So the
 * page asks again on a timer as well as on its own node's events.
 *
 * Whether a peer answered is recorded with the node's peers, and the peer's standing shown is read
 * back from there: the peers table and this view never disagree about a peer, down or up. But for a
 * peer the lab cuts this node off from: the view asks it as a client does, across the faults, so the
 * page still shows the chain it holds on its side of a partition; yet the node itself cannot reach it,
 * so that answer is not recorded (it would mark the peer reachable until the next sync round, and the
 * page would flicker between cut and healthy), and the peer shows as cut.
 */
export async function networkView(
  node: NetworkNode,
  peerClient: PeerClient,
  { last, selfAddress, cut }: NetworkViewOptions = {},
): Promise<NetworkMember[]> {
  const window = Math.min(last ?? NETWORK_BLOCKS, NETWORK_BLOCKS);
  const { chain } = node;
  const self: NetworkMember = {
    node: node.nodeId,
    self: true,
    node_id: node.nodeId,
    address: selfAddress ?? null,
    reachable: true,
    length: chain.length,
    chain: links(chain, 1, chain.length, window),
    error: null,
  };
  const peers = await Promise.all(node.peers.map((peer) => peerMember(node, peer, peerClient, window, cut)));
  return [self, ...peers];
}

async function peerMember(
  node: NetworkNode,
  peer: string,
  peerClient: PeerClient,
  window: number,
  cut: NetworkViewOptions['cut'],
): Promise<NetworkMember> {
  const top = await peerTop(peer, node.chain, peerClient, window);
  // Asked before the lab is: a partition may come while the peer is being asked.
  const cutBy = cut?.(peer);
  if (cutBy !== undefined) return cutMember(node, peer, top, cutBy);
  if (top.ok) {
    // This answer is not validated: a sync's verdict on a peer that answered ('invalid chain …')
    // stands until the next sync, rather than being wiped by a page poll.
    const known = node.peerStatuses().find((status) => status.node === peer);
    const verdict = known?.reachable === true ? known.lastError : undefined;
    node.notePeerExchange(peer, { answered: true, length: top.length, error: verdict }, top.nodeId);
  } else node.notePeerExchange(peer, { answered: top.answered, error: top.reason }, top.nodeId);
  // Read back: the peer may be gone meanwhile (it was this node, or another peer under a second name).
  const status = node.peerStatuses().find((known) => known.node === peer);
  return {
    node: peer,
    self: false,
    node_id: status?.nodeId ?? top.nodeId ?? null,
    address: peer,
    reachable: status?.reachable ?? (top.ok || top.answered),
    length: top.ok ? top.length : null,
    chain: top.ok ? top.chain : [],
    error: status === undefined ? (top.ok ? null : top.reason) : (status.lastError ?? null),
  };
}

/**
 * A peer the lab cuts this node off from, with the chain it holds as a client sees it: unreachable,
 * with the reason the peers table gives once a sync ran into the cut, or until then the lab's own.
 */
function cutMember(node: NetworkNode, peer: string, top: PeerTop, cutBy: string): NetworkMember {
  const status = node.peerStatuses().find((known) => known.node === peer);
  const recorded = status?.reachable === false ? status.lastError : undefined;
  return {
    node: peer,
    self: false,
    node_id: status?.nodeId ?? top.nodeId ?? null,
    address: peer,
    reachable: false,
    length: top.ok ? top.length : null,
    chain: top.ok ? top.chain : [],
    error: recorded ?? `cut by the lab (${cutBy})`,
  };
}

/** What asking a peer for the top of its chain gave: its length and last blocks, or why there are none; and the id it gave. */
type PeerTop = ({ ok: true; length: number; chain: Link[] } | PeerFailure) & { nodeId: string | undefined };

/**
 * The last `window` blocks of a peer's chain, in one exchange (one deadline). A chainlab peer gives
 * its tip; when that is a block of ours, the peer holds our chain up to it (each block names the one
 * before), so its window is ours and no block is fetched: the usual case, a network in agreement,
 * costs one small request per peer. Otherwise it is asked for the blocks from the window's first
 * position on (GET /chain?from=N), as a catch-up asks. A peer without GET /chain/tip (the reference)
 * is asked for its whole chain, as the reference's own resolve does: that is all it serves, bounded
 * by the peer client's MAX_PEER_RESPONSE_BYTES and timeout, and only its last blocks are hashed.
 */
async function peerTop(peer: string, ours: readonly JsonValue[], peerClient: PeerClient, window: number): Promise<PeerTop> {
  using deadline = new ExchangeDeadline();
  const tip = await peerClient.getTip(peer, { deadline });
  // Awaited, not returned: leaving this function disposes of the deadline.
  if (!tip.ok && (tip.status === 404 || tip.status === 405)) return await wholeChainTop(peer, peerClient, window, deadline);
  if (!tip.ok) return { ...tip, nodeId: undefined };
  const { body, nodeId } = tip.value;
  const length = isObject(body) ? body.length : undefined;
  const hash = isObject(body) ? body.hash : undefined;
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 1 || typeof hash !== 'string') {
    return failure(`GET ${peer}/chain/tip: expected {length, hash} with a whole length of at least 1`, nodeId);
  }
  if (length <= ours.length && cachedHash(ours[length - 1]!) === hash)
    return { ok: true, length, chain: links(ours, 1, length, window), nodeId };

  const from = Math.max(1, length - window + 1);
  const answer = await peerClient.getChain(peer, from, { deadline });
  if (!answer.ok) return { ...answer, nodeId };
  const blocks = windowOf(answer.value.body, from);
  if (!blocks.ok) return failure(`GET ${peer}/chain?from=${from}: ${blocks.reason}`, nodeId);
  // A peer that grew since its tip sends more than the window: only the window is shown.
  return { ok: true, length: blocks.length, chain: links(blocks.chain, blocks.from, blocks.length, window), nodeId };
}

async function wholeChainTop(peer: string, peerClient: PeerClient, window: number, deadline: ExchangeDeadline): Promise<PeerTop> {
  const answer = await peerClient.getChain(peer, undefined, { deadline });
  if (!answer.ok) return { ...answer, nodeId: undefined };
  const { body, nodeId } = answer.value;
  const chain = isObject(body) && Array.isArray(body.chain) ? body.chain : undefined;
  if (chain === undefined || chain.length === 0) return failure(`GET ${peer}/chain: the answer holds no chain`, nodeId);
  return { ok: true, length: chain.length, chain: links(chain, 1, chain.length, window), nodeId };
}

/**
 * The blocks a GET /chain?from=N answer holds, and the position of the first. An answer without
 * `from` is a whole chain (a peer that ignores the query); one with `from` must hold the blocks
 * from N on, with a length they reach.
 */
function windowOf(
  body: JsonValue,
  from: number,
): { ok: true; chain: JsonValue[]; from: number; length: number } | { ok: false; reason: string } {
  const expected = `expected {chain, length, from: ${from}}`;
  if (!isObject(body) || !Array.isArray(body.chain)) return { ok: false, reason: `${expected}, got no chain array` };
  const { chain } = body;
  if (body.from === undefined) {
    return chain.length > 0 ? { ok: true, chain, from: 1, length: chain.length } : { ok: false, reason: `${expected}, got an empty chain` };
  }
  if (body.from !== from) return { ok: false, reason: `${expected}, got the blocks from ${shown(body.from)} on` };
  const length = from - 1 + chain.length;
  if (chain.length === 0 || body.length !== length) {
    return { ok: false, reason: `${expected}, got length ${shown(body.length)} with ${chain.length} blocks from ${from} on` };
  }
  return { ok: true, chain, from, length };
}

const failure = (reason: string, nodeId: string | undefined): PeerTop => ({ ok: false, answered: true, reason, nodeId });

/**
 * The links of the last `window` blocks up to position `end`, where `blocks[0]` sits at position
 * `first`: only those are hashed, however long the chain.
 */
function links(blocks: readonly JsonValue[], first: number, end: number, window: number): Link[] {
  const shownLinks: Link[] = [];
  for (let position = Math.max(first, end - window + 1); position <= end; position++) {
    const block = blocks[position - first]!;
    shownLinks.push({ index: indexOf(block, position), hash: cachedHash(block) });
  }
  return shownLinks;
}

/** The block's own index when it is a plain position number; else where it sits. */
function indexOf(block: JsonValue, position: number): number {
  const index = isObject(block) ? block.index : undefined;
  return typeof index === 'number' && Number.isSafeInteger(index) && index >= 1 ? index : position;
}
