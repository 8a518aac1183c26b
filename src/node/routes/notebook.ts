import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Block } from '../../chain/block.ts';
import { toJson, type JsonValue } from '../../chain/py-json.ts';
import { isObject, validTransaction } from '../../chain/validate.ts';
import type { ChainNode } from '../chain-node.ts';
import { bodyOf, jsonBody } from '../json-body.ts';
import { parsePeerAddress } from '../peer-address.ts';
import { sendJson } from '../send-json.ts';

/** The reference's endpoints, with its statuses and JSON shapes. */
export function notebookRoutes(router: Router, { node, maxBodyBytes }: { node: ChainNode; maxBodyBytes: number }): void {
  const json = jsonBody(maxBodyBytes);

  const mine = async (ctx: Context) => {
    const { index, transactions, proof, previous_hash } = await node.mine();
    sendJson(ctx, 200, { message: 'New Block Forged', index, transactions, proof, previous_hash });
  };
  router.get('/mine', mine);
  router.post('/mine', mine);

  router.post('/transactions/new', json, async (ctx: Context) => {
    const verdict = validTransaction(bodyOf(ctx));
    if (!verdict.ok) ctx.throw(400, verdict.reason);
    const index = await node.addTransaction(verdict.value);
    sendJson(ctx, 201, { message: `Transaction will be added to Block ${index}` });
  });

  const chainBody = chainBodyCache(node);
  router.get('/chain', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = chainBody();
  });

  router.post('/nodes/register', json, (ctx: Context) => {
    const addresses = peerAddresses(ctx, bodyOf(ctx));
    const { totalNodes, ignored } = node.registerPeers(addresses);
    const body: JsonValue = { message: 'New nodes have been added', total_nodes: [...totalNodes] };
    if (ignored.length > 0) body.ignored = ignored.map((address) => ({ node: address, reason: 'this node itself' }));
    sendJson(ctx, 201, body);
  });

  router.get('/nodes/resolve', async (ctx) => {
    const { replaced, chain, skipped } = await node.resolve();
    const skippedJson = skipped.map(({ node: peer, reason }) => ({ node: peer, reason }));
    if (replaced) sendJson(ctx, 200, { message: 'Our chain was replaced', new_chain: [...chain], skipped: skippedJson });
    else sendJson(ctx, 200, { message: 'Our chain is authoritative', chain: [...chain], skipped: skippedJson });
  });
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

/** `{nodes: [...]}` as normalised `host:port`; one bad entry rejects the whole request. */
function peerAddresses(ctx: Context, body: JsonValue): string[] {
  const nodes = isObject(body) ? body.nodes : undefined;
  if (!Array.isArray(nodes)) ctx.throw(400, 'Error: Please supply a valid list of nodes, as {"nodes": ["http://node2:5000"]}');
  return nodes.map((entry, i) => {
    if (typeof entry !== 'string') ctx.throw(400, `nodes[${i}] must be a string like http://node2:5000`);
    const verdict = parsePeerAddress(entry);
    if (!verdict.ok) ctx.throw(400, `nodes[${i}]: ${verdict.reason}`);
    return verdict.value;
  });
}
