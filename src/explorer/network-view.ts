import type { JsonObject, JsonValue } from '../chain/py-json.ts';
import { isObject } from '../chain/validate.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { ChainNode } from '../node/chain-node.ts';
import type { PeerClient } from '../peers/peer-client.ts';

/** One node's chain as the explorer lines them up: positions and hashes only. */
export interface NetworkMember extends JsonObject {
  /** `host:port` for a peer; this node's id for itself (it does not know the name its peers use). */
  node: string;
  self: boolean;
  /** The node's id (X-Chainlab-Node-Id), what the page names it by; null for a peer not yet heard from, or a reference node. */
  node_id: string | null;
  /** The `host:port` peers reach it at: its registered address, or for this node the one it advertises. */
  address: string | null;
  /** As the peers table has it (GET /nodes): null for a peer never asked. */
  reachable: boolean | null;
  /** The chain's full length; `chain` may hold only its last blocks. */
  length: number | null;
  chain: { index: number; hash: string }[];
  /** Why this peer's chain is not shown, as the peers table has it: the last exchange's error. */
  error: string | null;
}

export interface NetworkViewOptions {
  /** Only the last `last` blocks of each chain: a long chain need not be hashed and sent whole. */
  last?: number;
  /** The `host:port` this node advertises to its peers, when known. */
  selfAddress?: string | undefined;
}

/** What the network view needs of the node: its chain, and its peers' standing, which it adds to. */
export type NetworkNode = Pick<ChainNode, 'nodeId' | 'chain' | 'peers' | 'peerStatuses' | 'notePeerExchange'>;

/**
 * This node and each of its peers with their chains, side by side. The browser cannot reach the
 * peers by their Docker hostnames, so the node asks them, all at once, each within the peer
 * client's timeout. Nothing here is validated or adopted: it shows what each node holds. The page's
 * events cover only its own node: a peer's new block shows there once it reaches this node (by
 * gossip or a resolve), while a peer that is behind, or does not gossip, announces nothing. So the
 * page asks again on a timer as well as on its own node's events.
 *
 * Whether a peer answered is recorded with the node's peers, and the peer's standing shown is read
 * back from there: the peers table and this view never disagree about a peer, down or up.
 */
export async function networkView(
  node: NetworkNode,
  peerClient: PeerClient,
  { last, selfAddress }: NetworkViewOptions = {},
): Promise<NetworkMember[]> {
  const self: NetworkMember = {
    node: node.nodeId,
    self: true,
    node_id: node.nodeId,
    address: selfAddress ?? null,
    reachable: true,
    length: node.chain.length,
    chain: links(node.chain, last),
    error: null,
  };
  const peers = await Promise.all(node.peers.map((peer) => peerMember(node, peer, peerClient, last)));
  return [self, ...peers];
}

async function peerMember(node: NetworkNode, peer: string, peerClient: PeerClient, last: number | undefined): Promise<NetworkMember> {
  const answer = await peerClient.getChain(peer);
  const body = answer.ok && isObject(answer.value.body) ? answer.value.body : undefined;
  const chain = Array.isArray(body?.chain) ? body.chain : undefined;
  if (answer.ok) {
    // This answer is not validated: a sync's verdict on a peer that answered ('invalid chain …')
    // stands until the next sync, rather than being wiped by a page poll.
    const known = node.peerStatuses().find((status) => status.node === peer);
    const verdict = known?.reachable === true ? known.lastError : undefined;
    const error = chain === undefined ? 'the answer holds no chain' : verdict;
    node.notePeerExchange(peer, { answered: true, length: chain?.length, error }, answer.value.nodeId);
  } else node.notePeerExchange(peer, { answered: answer.answered, error: answer.reason }, undefined);
  // Read back: the peer may be gone meanwhile (it was this node, or another peer under a second name).
  const status = node.peerStatuses().find((known) => known.node === peer);
  return {
    node: peer,
    self: false,
    node_id: status?.nodeId ?? (answer.ok ? (answer.value.nodeId ?? null) : null),
    address: peer,
    reachable: status?.reachable ?? (answer.ok || answer.answered),
    length: chain?.length ?? null,
    chain: chain === undefined ? [] : links(chain, last),
    error: status === undefined ? (answer.ok ? null : answer.reason) : (status.lastError ?? null),
  };
}

function links(chain: readonly JsonValue[], last: number | undefined): { index: number; hash: string }[] {
  const from = last === undefined ? 0 : Math.max(0, chain.length - last);
  return chain.slice(from).map((block, i) => ({ index: indexOf(block, from + i), hash: cachedHash(block) }));
}

/** The block's own index when it is a plain position number; else where it sits (1-based). */
function indexOf(block: JsonValue, position: number): number {
  const index = isObject(block) ? block.index : undefined;
  return typeof index === 'number' && Number.isSafeInteger(index) ? index : position + 1;
}
