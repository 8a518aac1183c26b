import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Block } from '../chain/block.ts';
import type { JsonObject } from '../chain/py-json.ts';
import { validTampering } from '../chain/tamper.ts';
import { isObject, validChain } from '../chain/validate.ts';
import { bodyOf, jsonBody } from '../http/json-body.ts';
import { sendJson } from '../http/send-json.ts';
import type { ChainNode } from '../node/chain-node.ts';
import { snapshotJson } from '../node/lab-snapshot.ts';
import { validMiningMode } from '../node/mining-schedule.ts';
import type { CommandRelay } from './relay.ts';

export interface ChainLabRouteDeps {
  node: ChainNode;
  /** MAX_BODY_BYTES: what the lab's routes take, but for a snapshot. */
  maxBodyBytes: number;
  /**
   * What POST /lab/restore takes: a snapshot holds a whole chain, so as much as the node reads of a
   * peer's whole chain (MAX_PEER_RESPONSE_BYTES). MAX_BODY_BYTES (1 MiB) is some 3,700 blocks.
   */
  maxSnapshotBytes?: number;
  /** LAB=on: the /lab/* routes below are served; off, they are not, and answer 404. */
  lab: boolean;
  /** How a network-wide reset reaches every peer (src/lab/relay.ts); without one that carries resets, POST /lab/reset takes only `{"scope": "node"}`. */
  relay?: Pick<CommandRelay, 'carries' | 'originate'> | undefined;
}

/**
 * The chain's side of the lab (issue 13): GET /chain/verify, always served since it only reads;
 * with LAB=on, mining modes, tampering, snapshots, reset and the blocks dropped in reorgs.
 */
export function chainLabRoutes(
  router: Router,
  { node, maxBodyBytes, maxSnapshotBytes = maxBodyBytes, lab, relay }: ChainLabRouteDeps,
): void {
  const verdict = verdictCache(node);
  router.get('/chain/verify', (ctx) => sendJson(ctx, 200, verdict()));
  if (!lab) return;
  const json = jsonBody(maxBodyBytes);

  router.post('/lab/mining', json, (ctx: Context) => {
    const mode = validMiningMode(bodyOf(ctx));
    if (!mode.ok) ctx.throw(400, mode.reason);
    node.mining.set(mode.value);
    sendJson(ctx, 200, { message: `Mining mode: ${mode.value.mode}`, mining: { ...node.mining.view() } });
  });

  router.post('/lab/tamper', json, async (ctx: Context) => {
    const tampering = validTampering(bodyOf(ctx));
    if (!tampering.ok) ctx.throw(400, tampering.reason);
    const outcome = await node.lab.tamper(tampering.value);
    if (!outcome.ok) ctx.throw(400, outcome.reason);
    const { index, hash, relinked } = outcome.value;
    const message = `Block ${index} was rewritten${relinked > 0 ? ` and ${relinked} later blocks relinked to it` : ''}`;
    sendJson(ctx, 200, { message, index, hash, relinked, ...verdict() });
  });

  router.get('/lab/snapshot', (ctx) => sendJson(ctx, 200, snapshotJson(node.chain, node.pending)));

  router.post('/lab/restore', oneAtATime('restore'), jsonBody(maxSnapshotBytes), async (ctx: Context) => {
    const outcome = await node.lab.restore(bodyOf(ctx));
    if (!outcome.ok) ctx.throw(400, outcome.reason);
    const { length, pending } = outcome.value;
    sendJson(ctx, 200, { message: `Restored ${length} blocks and ${pending} pending transactions`, length, pending_count: pending });
  });

  router.post('/lab/reset', async (ctx: Context) => {
    const scope = await resetScope(ctx, maxBodyBytes);
    // Network-wide: the relay passes it to every peer, then resets this node through its handler (ChainNode.reset).
    if (scope === 'network' && relay?.carries('reset') !== true)
      ctx.throw(400, 'this node cannot relay a network-wide reset; send {"scope": "node"} to reset this node only');
    const relayed = scope === 'network' ? await relay!.originate({ type: 'reset' }) : undefined;
    const { length, pending } = scope === 'node' ? await node.reset() : { length: node.chain.length, pending: node.pending.length };
    const body: JsonObject = { message: `Reset to the genesis block (${scope})`, scope, length, pending_count: pending };
    if (relayed !== undefined) body.relayed = relayed.map(({ node: peer, ok, reason }) => ({ node: peer, ok, reason: reason ?? null }));
    sendJson(ctx, 200, body);
  });

  router.get('/lab/dropped', (ctx) => sendJson(ctx, 200, node.dropped.json()));
}

/**
 * Lets one request through at a time, the others a 429 with a reason: a restore buffers up to
 * MAX_PEER_RESPONSE_BYTES, so it runs before the body is read, and another restore being read or
 * applied costs no memory for the refused one's body.
 */
function oneAtATime(what: string): Middleware {
  let busy = false;
  return async (ctx, next) => {
    if (busy) ctx.throw(429, `another ${what} is being read or applied on this node: one at a time; try again when it is done`);
    busy = true;
    try {
      await next();
    } finally {
      busy = false;
    }
  };
}

/** POST /lab/reset's scope: `network` unless the body, if any, says `{"scope": "node"}`. */
async function resetScope(ctx: Context, maxBodyBytes: number): Promise<'node' | 'network'> {
  if (!ctx.request.length && ctx.get('transfer-encoding') === '') return 'network'; // no body: the default
  await jsonBody(maxBodyBytes)(ctx, async () => {});
  const body = bodyOf(ctx);
  if (!isObject(body)) ctx.throw(400, 'the body must be a JSON object: {"scope": "node"} or {"scope": "network"}');
  const unknown = Object.keys(body).find((name) => name !== 'scope');
  if (unknown !== undefined) ctx.throw(400, `unknown field ${JSON.stringify(unknown)}: a reset takes scope`);
  const { scope = 'network' } = body;
  if (scope !== 'node' && scope !== 'network') ctx.throw(400, 'scope must be "node" (this node only) or "network" (every node)');
  return scope;
}

/**
 * GET /chain/verify's answer, worked out once per version of the chain: the chain grows in place
 * (by blocks checked against its tip) or is replaced by another array, as in GET /chain's cache,
 * so the array and its length identify a version, and a client asking again costs no hashing.
 */
function verdictCache(node: ChainNode): () => JsonObject {
  let cached: { chain: readonly Block[]; length: number; answer: JsonObject } | undefined;
  return () => {
    const { chain, rules } = node;
    if (cached?.chain !== chain || cached.length !== chain.length) {
      // The validator's own reason: the first block that breaks a rule, and which rule.
      const verdict = validChain([...chain], rules);
      cached = {
        chain,
        length: chain.length,
        answer: verdict.ok ? { valid: true, reasons: [] } : { valid: false, reasons: [verdict.reason] },
      };
    }
    return cached.answer;
  };
}
