import type { Middleware } from 'koa';
import { NODE_ID_HEADER } from '../peers/peer-client.ts';

/**
 * The routes peers reach each other by: gossip, the chain and its tip that sync and catch-up read,
 * the pool, and introductions. A partition cuts these; the rest (and these, to a client) stay open.
 */
export const PEER_PATHS: ReadonlySet<string> = new Set([
  '/gossip/blocks',
  '/gossip/transactions',
  '/chain',
  '/chain/tip',
  '/transactions/pending',
  '/nodes/register',
]);

/** What the inbound check asks of the lab. */
export interface InboundFaults {
  /** Why a peer request claiming to come from `nodeId` is refused, if it is. */
  refusal(nodeId: string): string | undefined;
}

/**
 * Refuses with 503 a peer's request (one that says which node sends it, in NODE_ID_HEADER, as
 * every chainlab node's requests do) to a peer route while the lab cuts that node off: the other
 * half of a partition, so a node neither sends to nor takes from peers outside its group. 503 is
 * what a peer that is down answers: the sender hands over what it would have passed on. A client
 * sends no such header, and is served.
 */
export function refuseCutPeers(lab: InboundFaults): Middleware {
  return async (ctx, next) => {
    const nodeId = ctx.get(NODE_ID_HEADER);
    if (nodeId !== '' && PEER_PATHS.has(ctx.path)) {
      const reason = lab.refusal(nodeId);
      if (reason !== undefined) ctx.throw(503, `the lab cuts this link: ${reason}`, { expose: true });
    }
    await next();
  };
}
