import type Router from '@koa/router';
import type { Context } from 'koa';
import { cachedHash } from '../../chain/block-hash-cache.ts';
import type { Block, Transaction } from '../../chain/block.ts';
import { validTransactionUnder } from '../../chain/signed-rules.ts';
import { isObject } from '../../chain/validate.ts';
import type { ChainNode } from '../../node/chain-node.ts';
import { MAX_KEY_CHARS } from '../../peers/broadcast-tree.ts';
import { bodyOf, jsonBody } from '../json-body.ts';
import { sendJson } from '../send-json.ts';

/** Room in a gossip request for what surrounds a block or a batch: `{"block": ..., "length": N}`. */
const ENVELOPE_BYTES = 65_536;

/**
 * What nodes say to each other (see gossip.ts): a node's tip, announced blocks and passed-on
 * transactions. The pending pool is here too: it is what transactions spread into.
 */
export function gossipRoutes(router: Router, { node, maxBlockBytes }: { node: ChainNode; maxBlockBytes: number }): void {
  // An announcement carries a block, and a batch of passed-on transactions may fill one: each must
  // fit in its request, with room for the envelope.
  const json = jsonBody(maxBlockBytes + ENVELOPE_BYTES);

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
    const outcome = await node.receiveBlock(body.block as Block, length, limitOf(ctx, body.limit));
    if (outcome.status === 'rejected') ctx.throw(400, `block rejected: ${outcome.reason}`);
    sendJson(ctx, 200, { status: outcome.status, length: node.chain.length });
  });

  router.post('/gossip/transactions', json, async (ctx: Context) => {
    const body = bodyOf(ctx);
    const list = isObject(body) ? body.transactions : undefined;
    if (!Array.isArray(list)) ctx.throw(400, 'expected {"transactions": [...]}');
    const limit = limitOf(ctx, isObject(body) ? body.limit : undefined);
    // All or nothing: one bad transaction stores none of them. A peer passes each on with the id it
    // was given; only a replayed log of old could hold one without.
    const transactions: Transaction[] = list.map((item, i) => {
      const verdict = validTransactionUnder(node.txRule, item, { idRequired: true });
      if (!verdict.ok) ctx.throw(400, `transactions[${i}]: ${verdict.reason}`);
      return verdict.value;
    });
    // A failed store rejects with a 503 meant for the client (StoreFailedError).
    const outcome = await node.receiveTransactions(transactions, limit);
    if (outcome.status === 'invalid') ctx.throw(400, outcome.reason);
    if (outcome.status === 'too large') ctx.throw(413, outcome.reason);
    if (outcome.status === 'full') ctx.throw(429, outcome.reason);
    const { added, known, conflicting } = outcome;
    sendJson(ctx, 200, { added, known, conflicting });
  });
}

/**
 * The `limit` of a gossip message: the ring key up to which the receiver passes the news on (see
 * broadcast-tree.ts). Absent: to nobody, as older chainlab peers, which tell every peer themselves, send.
 */
function limitOf(ctx: Context, limit: unknown): string | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'string' || limit.length > MAX_KEY_CHARS)
    ctx.throw(400, `limit must be a string of at most ${MAX_KEY_CHARS} characters`);
  return limit;
}
