import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Block } from '../chain/block.ts';
import type { JsonObject } from '../chain/py-json.ts';
import type { NetworkRole } from '../http/app.ts';
import type { ChainNode } from '../node/chain-node.ts';
import { subscribe } from '../node/node-events.ts';
import { openEventStream } from './event-stream.ts';
import { pageDir, pageRoutes, readPage } from './page-files.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import { networkView } from './network-view.ts';
import type { PeerClient } from '../peers/peer-client.ts';
import { sendJson } from '../http/send-json.ts';
import { modeJson, peerJson } from '../http/routes/operations.ts';

/** Blocks sent with a snapshot or a replaced chain, or listed as dropped: the page shows the newest, not 10,000. */
const CHAIN_TAIL = 100;

/**
 * The explorer: a page (GET /) that shows this node live through server-sent events (GET /events),
 * and every node's chain side by side (GET /network).
 */
export function explorerRoutes(
  router: Router,
  { node, peerClient, role }: { node: ChainNode; peerClient: PeerClient; role: NetworkRole },
): void {
  pageRoutes(router, readPage(pageDir()));

  router.get('/events', (ctx) => streamEvents(ctx, node, role));

  router.get('/network', async (ctx) => {
    const last = ctx.query.last;
    if (last !== undefined && (typeof last !== 'string' || !/^[1-9]\d{0,6}$/.test(last))) {
      ctx.throw(400, 'last must be a whole number of blocks from 1 to 9999999, as in /network?last=50');
    }
    const nodes = await networkView(node, peerClient, { last: last === undefined ? undefined : Number(last), selfAddress: role.address() });
    sendJson(ctx, 200, { nodes });
  });
}

/** A snapshot of the node on connect, then one event per change the node announces. */
function streamEvents(ctx: Context, node: ChainNode, role: NetworkRole): void {
  const stream = openEventStream(ctx);
  const snapshot = {
    node_id: node.nodeId,
    mode: modeJson(node, role),
    ...chainSummary(node.chain),
    pending: [...node.pending],
    peers: node.peerStatuses().map(peerJson),
  };
  stream.send('snapshot', snapshot);
  // The node calls its listeners synchronously, inside /mine and /nodes/resolve: a listener that
  // threw would fail them. A client we cannot serve is logged and cut off; it reconnects afresh.
  const guarded =
    <A extends unknown[]>(listener: (...args: A) => void) =>
    (...args: A) => {
      try {
        listener(...args);
      } catch (error) {
        ctx.app.emit('error', error, ctx);
        ctx.res.destroy();
      }
    };
  const unsubscribe = subscribe(node.events, {
    mined: guarded(({ block, miningMs }) => {
      stream.send('mined', {
        block: blockJson(block),
        length: node.chain.length,
        mining_ms: Math.round(miningMs),
        pending: [...node.pending],
      });
    }),
    appended: guarded(({ block }) => {
      stream.send('appended', { block: blockJson(block), length: node.chain.length, pending: [...node.pending] });
    }),
    replaced: guarded(({ chain, peer, from, dropped, returned }) => {
      stream.send('replaced', {
        peer,
        from,
        ...chainSummary(chain),
        dropped: droppedLinks(dropped, from),
        dropped_count: dropped.length,
        returned_count: returned.length,
        pending: [...node.pending],
      });
    }),
    transaction: guarded(({ transaction }) => {
      stream.send('transaction', { transaction, pending_count: node.pending.length });
    }),
    peers: guarded(({ peers }) => stream.send('peers', { peers: peers.map(peerJson) })),
    peerFailure: guarded(({ node: peer, reason }) => stream.send('peerFailure', { node: peer, reason })),
  });
  stream.onClose(unsubscribe);
}

/** The chain's length and its newest blocks, each with its hash. */
function chainSummary(chain: readonly Block[]): JsonObject {
  return { length: chain.length, blocks: chain.slice(-CHAIN_TAIL).map(blockJson) };
}

/**
 * Where and what the dropped blocks were, the newest CHAIN_TAIL of them: by position, not by their
 * `index` field, which a peer's block need not hold.
 */
function droppedLinks(dropped: readonly Block[], from: number): JsonObject[] {
  const skipped = Math.max(0, dropped.length - CHAIN_TAIL);
  return dropped.slice(skipped).map((block, i) => ({ index: from + skipped + i, hash: cachedHash(block) }));
}

/** A block with its hash beside it, not inside it: a peer's block may hold any field, `hash` too. */
function blockJson(block: Block): JsonObject {
  return { hash: cachedHash(block), block };
}
