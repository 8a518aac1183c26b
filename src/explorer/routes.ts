import type Router from '@koa/router';
import type { Context } from 'koa';
import type { EventEmitter } from 'node:events';
import type { Block } from '../chain/block.ts';
import type { JsonObject } from '../chain/py-json.ts';
import type { NetworkRole } from '../http/app.ts';
import type { ChainNode, NodeEvents } from '../node/chain-node.ts';
import { openEventStream } from './event-stream.ts';
import { EXPLORER_CSS } from './style.ts';
import { EXPLORER_JS } from './script.ts';
import { EXPLORER_HTML } from './page.ts';
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
export function explorerRoutes(router: Router, { node, peerClient, role }: { node: ChainNode; peerClient: PeerClient; role: NetworkRole }): void {
  router.get('/', (ctx) => serveAsset(ctx, 'text/html; charset=utf-8', EXPLORER_HTML));
  router.get('/explorer/explorer.js', (ctx) => serveAsset(ctx, 'text/javascript; charset=utf-8', EXPLORER_JS));
  router.get('/explorer/explorer.css', (ctx) => serveAsset(ctx, 'text/css; charset=utf-8', EXPLORER_CSS));

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

function serveAsset(ctx: Context, type: string, body: string): void {
  ctx.type = type;
  ctx.set('Cache-Control', 'no-cache');
  ctx.set('X-Content-Type-Options', 'nosniff');
  // Transactions come from anyone: even if some text slipped into the DOM as markup, no script
  // but ours would run, and the page could only talk to its own node.
  ctx.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  ctx.body = body;
}

/** A snapshot of the node on connect, then one event per change the node announces. */
function streamEvents(ctx: Context, node: ChainNode, role: NetworkRole): void {
  const stream = openEventStream(ctx);
  const snapshot = { node_id: node.nodeId, mode: modeJson(node, role), ...chainSummary(node.chain), pending: [...node.pending], peers: node.peerStatuses().map(peerJson) };
  stream.send('snapshot', snapshot);
  // The node calls its listeners synchronously, inside /mine and /nodes/resolve: a listener that
  // threw would fail them. A client we cannot serve is logged and cut off; it reconnects afresh.
  const guarded = <A extends unknown[]>(listener: (...args: A) => void) => (...args: A) => {
    try {
      listener(...args);
    } catch (error) {
      ctx.app.emit('error', error, ctx);
      ctx.res.destroy();
    }
  };
  const unsubscribe = [
    subscribe(node.events, 'mined', guarded(({ block, miningMs }) => {
      stream.send('mined', { block: blockJson(block), length: node.chain.length, mining_ms: Math.round(miningMs), pending: [...node.pending] });
    })),
    subscribe(node.events, 'appended', guarded(({ block }) => {
      stream.send('appended', { block: blockJson(block), length: node.chain.length, pending: [...node.pending] });
    })),
    subscribe(node.events, 'replaced', guarded(({ chain, peer, from, dropped, returned }) => {
      stream.send('replaced', {
        peer,
        from,
        ...chainSummary(chain),
        dropped: droppedLinks(dropped, from),
        dropped_count: dropped.length,
        returned_count: returned.length,
        pending: [...node.pending],
      });
    })),
    subscribe(node.events, 'transaction', guarded(({ transaction }) => {
      stream.send('transaction', { transaction, pending_count: node.pending.length });
    })),
    subscribe(node.events, 'peers', guarded(({ peers }) => stream.send('peers', { peers: peers.map(peerJson) }))),
    subscribe(node.events, 'peerFailure', guarded(({ node: peer, reason }) => stream.send('peerFailure', { node: peer, reason }))),
  ];
  stream.onClose(() => unsubscribe.forEach((off) => off()));
}

/** Adds a listener and returns what removes it. */
function subscribe<K extends keyof NodeEvents>(events: EventEmitter<NodeEvents>, name: K, listener: (...args: NodeEvents[K]) => void): () => void {
  // EventEmitter's typings cannot follow a generic event name; the signature above keeps callers exact.
  const untyped = events as unknown as EventEmitter;
  untyped.on(name, listener as (...args: unknown[]) => void);
  return () => void untyped.off(name, listener as (...args: unknown[]) => void);
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
