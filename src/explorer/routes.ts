import type Router from '@koa/router';
import type { NetworkRole } from '../http/app.ts';
import type { ChainNode } from '../node/chain-node.ts';
import { EventBroadcast } from './event-broadcast.ts';
import { pageDir, pageRoutes, readPage } from './page-files.ts';
import { networkView } from './network-view.ts';
import type { PeerClient } from '../peers/peer-client.ts';
import { sendJson } from '../http/send-json.ts';

export interface ExplorerDeps {
  node: ChainNode;
  peerClient: PeerClient;
  role: NetworkRole;
  /** MAX_EVENT_CLIENTS */
  maxEventClients: number;
  /** EVENT_BUFFER_BYTES */
  eventBufferBytes: number;
}

/**
 * The explorer: a page (GET /) that shows this node live through server-sent events (GET /events),
 * and every node's chain side by side (GET /network).
 */
export function explorerRoutes(router: Router, { node, peerClient, role, maxEventClients, eventBufferBytes }: ExplorerDeps): void {
  pageRoutes(router, readPage(pageDir()));

  const events = new EventBroadcast(node, role, { maxClients: maxEventClients, bufferBytes: eventBufferBytes });
  router.get('/events', (ctx) => events.open(ctx));

  router.get('/network', async (ctx) => {
    const last = ctx.query.last;
    if (last !== undefined && (typeof last !== 'string' || !/^[1-9]\d{0,6}$/.test(last))) {
      ctx.throw(400, 'last must be a whole number of blocks from 1 to 9999999, as in /network?last=50');
    }
    const nodes = await networkView(node, peerClient, { last: last === undefined ? undefined : Number(last), selfAddress: role.address() });
    sendJson(ctx, 200, { nodes });
  });
}
