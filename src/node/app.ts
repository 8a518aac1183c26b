import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { Block } from '../chain/block.ts';
import { hashBlock } from '../chain/hash.ts';
import { toJson, type JsonValue } from '../chain/py-json.ts';
import { isObject, validTransaction } from '../chain/validate.ts';
import type { ChainNode } from './chain-node.ts';
import { errorHandler } from './errors.ts';
import { bodyOf, jsonBody } from './json-body.ts';
import type { Log } from './log.ts';
import { NODE_ID_HEADER } from './peer-client.ts';
import { parsePeerAddress } from './peer-address.ts';

export interface AppDeps {
  node: ChainNode;
  log: Log;
  maxBodyBytes: number;
}

/** The node's HTTP API: the reference's endpoints, statuses and JSON shapes, plus /health. */
export function createApp({ node, log, maxBodyBytes }: AppDeps): Koa {
  const app = new Koa();
  const router = new Router();
  const json = jsonBody(maxBodyBytes);

  const mine = async (ctx: Context) => {
    const { index, transactions, proof, previous_hash } = await node.mine();
    send(ctx, 200, { message: 'New Block Forged', index, transactions, proof, previous_hash });
  };
  router.get('/mine', mine);
  router.post('/mine', mine);

  router.post('/transactions/new', json, async (ctx: Context) => {
    const verdict = validTransaction(bodyOf(ctx));
    if (!verdict.ok) ctx.throw(400, verdict.reason);
    const index = await node.addTransaction(verdict.value);
    send(ctx, 201, { message: `Transaction will be added to Block ${index}` });
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
    send(ctx, 201, body);
  });

  router.get('/nodes/resolve', async (ctx) => {
    const { replaced, chain, skipped } = await node.resolve();
    const skippedJson = skipped.map(({ node: peer, reason }) => ({ node: peer, reason }));
    if (replaced) send(ctx, 200, { message: 'Our chain was replaced', new_chain: [...chain], skipped: skippedJson });
    else send(ctx, 200, { message: 'Our chain is authoritative', chain: [...chain], skipped: skippedJson });
  });

  router.get('/health', (ctx) => {
    const { chain } = node;
    send(ctx, 200, {
      status: 'ok',
      node_id: node.nodeId,
      length: chain.length,
      tip_hash: hashBlock(chain[chain.length - 1]!),
      genesis_hash: hashBlock(chain[0]!),
      peers: [...node.peers],
    });
  });

  app.use(requestLog(log));
  app.use(errorHandler());
  app.use(async (ctx, next) => {
    ctx.set(NODE_ID_HEADER, node.nodeId);
    await next();
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', (error: Error & { code?: string }) => {
    // A client that hangs up mid-response is not the node's failure.
    if (!CLIENT_GONE.has(error.code ?? '')) log('error', error.stack ?? String(error));
  });
  return app;
}

const CLIENT_GONE = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

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

/** Our responses go through toJson, not JSON.stringify, so floats and big integers keep their form. */
function send(ctx: Context, status: number, body: JsonValue): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = toJson(body);
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

function requestLog(log: Log): Koa.Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      log('info', `${ctx.method} ${ctx.url} ${ctx.status} ${(performance.now() - started).toFixed(1)}ms`);
    }
  };
}
