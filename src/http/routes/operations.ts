import type Router from '@koa/router';
import type { JsonObject } from '../../chain/py-json.ts';
import { cachedHash } from '../../chain/block-hash-cache.ts';
import type { NetworkRole } from '../app.ts';
import type { MetricsRegistry } from '../metrics.ts';
import type { ChainNode } from '../../node/chain-node.ts';
import { OPENAPI } from '../openapi.ts';
import type { PeerStatus } from '../../peers/peer-set.ts';
import { sendJson } from '../send-json.ts';

/**
 * Handles for operators: health for the healthchecks, what the node knows of its peers, its
 * Prometheus metrics, and the OpenAPI description of every route.
 */
export function operationsRoutes(
  router: Router,
  { node, role, metrics }: { node: ChainNode; role: NetworkRole; metrics: MetricsRegistry },
): void {
  router.get('/health', (ctx) => {
    const { chain, storeError } = node;
    const statuses = node.peerStatuses();
    const body: JsonObject = {
      status: 'ok',
      node_id: node.nodeId,
      length: chain.length,
      tip_hash: cachedHash(chain[chain.length - 1]!),
      genesis_hash: cachedHash(chain[0]!),
      peers: statuses.map((peer) => peer.node),
      peers_reachable: statuses.filter((peer) => peer.reachable === true).map((peer) => peer.node),
      mode: modeJson(node, role),
    };
    // Damage found at start is over (the log was repaired), but an operator must hear of it.
    const damage = node.storeDamage;
    if (damage !== undefined) {
      body.store_damage = { reason: damage.reason, kept_records: damage.keptRecords, moved_to: damage.movedTo, offset: damage.offset };
    }
    // A node that can no longer store what it acknowledges is failing: the healthcheck must say so.
    if (storeError === undefined) return sendJson(ctx, 200, body);
    sendJson(ctx, 503, { ...body, status: 'failing', error: `the store failed: ${storeError}` });
  });

  router.get('/nodes', (ctx) => {
    sendJson(ctx, 200, { nodes: node.peerStatuses().map(peerJson) });
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.contentType;
    ctx.body = await metrics.metrics();
  });

  const openapi = JSON.stringify(OPENAPI);
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
}

/** A peer as /nodes (and the explorer) shows it; null where nothing is known yet. */
export function peerJson({ node, nodeId, reachable, lastSeen, length, lastError, downSince }: PeerStatus): JsonObject {
  return {
    node,
    node_id: nodeId ?? null,
    reachable: reachable ?? null,
    last_seen: lastSeen ?? null,
    down_since: downSince ?? null,
    length: length ?? null,
    last_error: lastError ?? null,
  };
}

/** How the node takes part in the network, as /health and the explorer's snapshot give it. */
export function modeJson(node: ChainNode, role: NetworkRole): JsonObject {
  return {
    gossip: role.gossip,
    sync_interval_ms: role.syncIntervalMs,
    pow_rule: node.rules.powRule,
    tx_rule: node.txRule,
    // Public: rewards in the chain name it anyway. Under open it is the node id.
    miner_address: node.minerAddress,
    difficulty: node.rules.difficulty,
  };
}
