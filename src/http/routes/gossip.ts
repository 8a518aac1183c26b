import type Router from '@koa/router';
import type { Context } from 'koa';
import { cachedHash } from '../../chain/block-hash-cache.ts';
import type { Block, Transaction } from '../../chain/block.ts';
import { isObject, validTransaction } from '../../chain/validate.ts';
import type { ChainNode } from '../../node/chain-node.ts';
import { bodyOf, jsonBody } from '../json-body.ts';
import { sendJson } from '../send-json.ts';

/**
 * What nodes say to each other (see gossip.ts): a node's tip, announced blocks and passed-on
 * transactions. The pending pool is here too: it is what transactions spread into.
 */
export function gossipRoutes(router: Router, { node, maxBodyBytes }: { node: ChainNode; maxBodyBytes: number }): void {
  // Announcements carry a block; passed-on transactions come in batches: allow more than one request's worth.
  const json = jsonBody(maxBodyBytes * 4);

  router.get('/chain/tip', (ctx) => {
    const { chain } = node;
    sendJson(ctx, 200, { length: chain.length, hash: cachedHash(chain[chain.length - 1]!) });
  });

  router.get('/transactions/pending', (ctx) => {
    sendJson(ctx, 200, { transactions: [...node.pending], length: node.pending.length });
  });

  router.post('/gossip/blocks', json, async (ctx: Context) => {
    const body = bodyOf(ctx);
    if (!isObject(body) || !isObject(body.block)) ctx.throw(400, 'expected {"block": {...}, "length": N}');
    const { length } = body;
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 1)
      ctx.throw(400, 'length must be a whole number of blocks, at least 1');
    const outcome = await node.receiveBlock(body.block as Block, length);
    if (outcome.status === 'rejected') ctx.throw(400, `block rejected: ${outcome.reason}`);
    sendJson(ctx, 200, { status: outcome.status, length: node.chain.length });
  });

  router.post('/gossip/transactions', json, async (ctx: Context) => {
    const body = bodyOf(ctx);
    const list = isObject(body) ? body.transactions : undefined;
    if (!Array.isArray(list)) ctx.throw(400, 'expected {"transactions": [...]}');
    // All or nothing: one bad transaction stores none of them.
    const transactions: Transaction[] = list.map((item, i) => {
      const verdict = validTransaction(item);
      if (!verdict.ok) ctx.throw(400, `transactions[${i}]: ${verdict.reason}`);
      return verdict.value;
    });
    sendJson(ctx, 200, await node.receiveTransactions(transactions));
  });
}
