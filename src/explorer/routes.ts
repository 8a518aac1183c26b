import type Router from '@koa/router';
import type { Context } from 'koa';
import type { NetworkRole } from '../http/app.ts';
import type { ChainNode } from '../node/chain-node.ts';
import { EventBroadcast } from './event-broadcast.ts';
import { eventBudget, windowView, type WindowAnchor } from './event-views.ts';
import { pageDir, pageRoutes, readPage } from './page-files.ts';
import { labView } from './lab-view.ts';
import { readLab } from './lab-read.ts';
import { networkView } from './network-view.ts';
import type { PeerClient } from '../peers/peer-client.ts';
import type { Lab } from '../lab/lab.ts';
import { sendJson } from '../http/send-json.ts';

export interface ExplorerDeps {
  node: ChainNode;
  peerClient: PeerClient;
  role: NetworkRole;
  /** MAX_EVENT_CLIENTS */
  maxEventClients: number;
  /** EVENT_BUFFER_BYTES */
  eventBufferBytes: number;
  /** LAB=on: whom the lab cuts this node off from, which GET /network must not record as reachable. */
  lab?: Pick<Lab, 'faults' | 'acquaintances'> | undefined;
}

/**
 * The explorer: a page (GET /) that shows this node live through server-sent events (GET /events),
 * any stretch of its chain by position (GET /blocks), and every node's chain side by side (GET /network).
 */
export function explorerRoutes(router: Router, { node, peerClient, role, maxEventClients, eventBufferBytes, lab }: ExplorerDeps): void {
  pageRoutes(router, readPage(pageDir()));

  const events = new EventBroadcast(node, role, { maxClients: maxEventClients, bufferBytes: eventBufferBytes });
  router.get('/events', (ctx) => events.open(ctx));

  // The blocks as the events show them (a large one cut), so that the page can go back to any
  // block of a long chain while it draws only a window of it.
  const budget = eventBudget(eventBufferBytes);
  router.get('/blocks', (ctx) => {
    const anchor = windowAnchor(ctx);
    const { chain } = node;
    const blocks = windowView(chain, anchor, budget);
    const from = 'from' in anchor ? anchor.from : Math.min(anchor.to, chain.length) - blocks.length + 1;
    sendJson(ctx, 200, { length: chain.length, from, blocks });
  });

  router.get('/network', async (ctx) => {
    const last = ctx.query.last;
    if (last !== undefined && (typeof last !== 'string' || !/^[1-9]\d{0,6}$/.test(last))) {
      ctx.throw(400, 'last must be a whole number of blocks from 1 to 9999999, as in /network?last=50');
    }
    const withLab = ctx.query.lab;
    if (withLab !== undefined && withLab !== '1')
      ctx.throw(400, "lab must be 1, as in /network?lab=1, which adds each node's faults and dropped blocks");
    const nodes = await networkView(node, peerClient, {
      last: last === undefined ? undefined : Number(last),
      selfAddress: role.address(),
      cut: lab === undefined ? undefined : (peer) => lab.faults.outbound(peer, lab.acquaintances()).cut,
    });
    if (withLab === '1') {
      const labs = await labView(
        nodes.map((member) => member.address),
        readLab,
      );
      // `lab`: the node's faults, verdict and dropped blocks (lab-view.ts); null when its lab is off.
      for (const [i, member] of nodes.entries()) Object.assign(member, { lab: labs[i] ?? null });
    }
    sendJson(ctx, 200, { nodes });
  });
}

/** GET /blocks's `from` or `to`, at most one of them; neither is the tip. */
function windowAnchor(ctx: Context): WindowAnchor {
  const { from, to } = ctx.query;
  if (from !== undefined && to !== undefined)
    ctx.throw(400, 'give from or to, not both: /blocks?to=50 ends at block 50, /blocks?from=50 starts there');
  const value = from ?? to;
  if (value === undefined) return { to: Number.MAX_SAFE_INTEGER };
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    ctx.throw(400, `${from === undefined ? 'to' : 'from'} must be a block index, a whole number from 1, as in /blocks?to=50`);
  }
  return from === undefined ? { to: Number(value) } : { from: Number(value) };
}
