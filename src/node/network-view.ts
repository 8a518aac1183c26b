import type { JsonObject, JsonValue } from '../chain/py-json.ts';
import { isObject } from '../chain/validate.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { ChainNode } from './chain-node.ts';
import type { PeerClient } from './peer-client.ts';

/** One node's chain as the explorer lines them up: positions and hashes only. */
export interface NetworkMember extends JsonObject {
  /** `host:port` for a peer; this node's id for itself (it does not know the name its peers use). */
  node: string;
  self: boolean;
  node_id: string | null;
  reachable: boolean;
  /** The chain's full length; `chain` may hold only its last blocks. */
  length: number | null;
  chain: { index: number; hash: string }[];
  error: string | null;
}

export interface NetworkViewOptions {
  /** Only the last `last` blocks of each chain: a long chain need not be hashed and sent whole. */
  last?: number;
}

/**
 * This node and each of its peers with their chains, side by side. The browser cannot reach the
 * peers by their Docker hostnames, so the node asks them, all at once, each within the peer
 * client's timeout. Nothing here is validated or adopted: it shows what each node holds. The page's
 * events cover only its own node: a peer's new block shows there once it reaches this node (by
 * gossip or a resolve), while a peer that is behind, or does not gossip, announces nothing. So the
 * page asks again on a timer as well as on its own node's events.
 */
export async function networkView(node: ChainNode, peerClient: PeerClient, { last }: NetworkViewOptions = {}): Promise<NetworkMember[]> {
  const self: NetworkMember = {
    node: node.nodeId,
    self: true,
    node_id: node.nodeId,
    reachable: true,
    length: node.chain.length,
    chain: links(node.chain, last),
    error: null,
  };
  const peers = await Promise.all(node.peers.map((peer) => peerMember(peer, peerClient, last)));
  return [self, ...peers];
}

async function peerMember(peer: string, peerClient: PeerClient, last: number | undefined): Promise<NetworkMember> {
  const member: NetworkMember = { node: peer, self: false, node_id: null, reachable: false, length: null, chain: [], error: null };
  const answer = await peerClient.getChain(peer);
  if (!answer.ok) return { ...member, reachable: answer.answered, error: answer.reason };
  const { body, nodeId } = answer.value;
  const chain = isObject(body) ? body.chain : undefined;
  if (!Array.isArray(chain)) return { ...member, reachable: true, node_id: nodeId ?? null, error: 'the answer holds no chain' };
  return { ...member, reachable: true, node_id: nodeId ?? null, length: chain.length, chain: links(chain, last) };
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
