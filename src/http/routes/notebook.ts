import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Block } from '../../chain/block.ts';
import { toJson, type JsonValue } from '../../chain/py-json.ts';
import { isObject } from '../../chain/validate.ts';
import type { ChainNode } from '../../node/chain-node.ts';
import { bodyOf, jsonBody } from '../json-body.ts';
import { sendJson } from '../send-json.ts';
import { transactionRoutes } from './transactions.ts';

/** The reference's endpoints, with its statuses and JSON shapes. */
export function notebookRoutes(router: Router, { node, maxBodyBytes }: { node: ChainNode; maxBodyBytes: number }): void {
  const json = jsonBody(maxBodyBytes);

  const mine = async (ctx: Context) => {
    const { index, transactions, proof, previous_hash } = await node.mine();
    sendJson(ctx, 200, { message: 'New Block Forged', index, transactions, proof, previous_hash });
  };
  router.get('/mine', mine);
  router.post('/mine', mine);

  transactionRoutes(router, { node, maxBodyBytes });

  const chainBody = chainBodyCache(node);
  router.get('/chain', (ctx) => {
    const from = ctx.query.from;
    if (from === undefined) {
      ctx.type = 'application/json';
      ctx.body = chainBody();
      return;
    }
    if (typeof from !== 'string' || !/^[1-9]\d{0,15}$/.test(from) || !Number.isSafeInteger(Number(from))) {
      ctx.throw(400, 'from must be a block index, a whole number from 1, as in /chain?from=5');
    }
    // Only the blocks a peer lacks, with the chain's full length: see catch-up.ts.
    const { chain } = node;
    sendJson(ctx, 200, { chain: chain.slice(Number(from) - 1), length: chain.length, from: Number(from) });
  });

  router.post('/nodes/register', json, (ctx: Context) => {
    const registration = node.registerPeers(peerAddresses(ctx, bodyOf(ctx)), 'client');
    if (!registration.ok) {
      const { refusal, reason } = registration;
      if (refusal === 'address') ctx.throw(400, `nodes[${registration.index}]: ${reason}`);
      ctx.throw(refusal === 'too-many' ? 413 : 429, `${reason}; nothing was registered`);
    }
    const { totalNodes, ignored } = registration;
    const body: JsonValue = { message: 'New nodes have been added', total_nodes: [...totalNodes] };
    if (ignored.length > 0) body.ignored = ignored.map((address) => ({ node: address, reason: 'this node itself' }));
    sendJson(ctx, 201, body);
  });

  // POST too, as for /mine: what the explorer's button sends (see http/cross-site.ts).
  const resolve = async (ctx: Context) => {
    const { replaced, chain, skipped } = await node.resolve();
    const skippedJson = skipped.map(({ node: peer, reason }) => ({ node: peer, reason }));
    if (replaced) sendJson(ctx, 200, { message: 'Our chain was replaced', new_chain: [...chain], skipped: skippedJson });
    else sendJson(ctx, 200, { message: 'Our chain is authoritative', chain: [...chain], skipped: skippedJson });
  };
  router.get('/nodes/resolve', resolve);
  router.post('/nodes/resolve', resolve);
}

/**
 * GET /chain's body, serialised once per version of the chain instead of once per request: at
 * 10,000 blocks that is 2.7 MB of JSON. The chain only grows in place or is replaced by another
 * array, so the array and its length identify a version.
 */
function chainBodyCache(node: ChainNode): () => Buffer {
  let cached: { chain: readonly Block[]; length: number; body: Buffer } | undefined;
  return () => {
    const { chain } = node;
    if (cached?.chain !== chain || cached.length !== chain.length) {
      cached = { chain, length: chain.length, body: Buffer.from(toJson({ chain: [...chain], length: chain.length })) };
    }
    return cached.body;
  };
}

/** `{nodes: [...]}` as strings, each normalised where it is registered (PeerSet.admit); one bad entry rejects the whole request. */
function peerAddresses(ctx: Context, body: JsonValue): string[] {
  const nodes = isObject(body) ? body.nodes : undefined;
  if (!Array.isArray(nodes)) ctx.throw(400, 'Error: Please supply a valid list of nodes, as {"nodes": ["http://node2:5000"]}');
  return nodes.map((entry, i) => {
    if (typeof entry !== 'string') ctx.throw(400, `nodes[${i}] must be a string like http://node2:5000`);
    return entry;
  });
}
