import type Router from '@koa/router';
import { hashBlock } from '../../chain/hash.ts';
import type { ChainNode } from '../chain-node.ts';
import type { PeerStatus } from '../peer-set.ts';
import { sendJson } from '../send-json.ts';

/** Handles for operators: health for the healthchecks, and what the node knows of its peers. */
export function operationsRoutes(router: Router, { node }: { node: ChainNode }): void {
  router.get('/health', (ctx) => {
    const { chain } = node;
    const statuses = node.peerStatuses();
    sendJson(ctx, 200, {
      status: 'ok',
      node_id: node.nodeId,
      length: chain.length,
      tip_hash: hashBlock(chain[chain.length - 1]!),
      genesis_hash: hashBlock(chain[0]!),
      peers: statuses.map((peer) => peer.node),
      peers_reachable: statuses.filter((peer) => peer.reachable === true).map((peer) => peer.node),
    });
  });

  router.get('/nodes', (ctx) => {
    sendJson(ctx, 200, { nodes: node.peerStatuses().map(peerJson) });
  });
}

/** A peer as /nodes shows it; null where nothing is known yet. */
function peerJson({ node, reachable, lastSeen, length, lastError }: PeerStatus) {
  return { node, reachable: reachable ?? null, last_seen: lastSeen ?? null, length: length ?? null, last_error: lastError ?? null };
}
