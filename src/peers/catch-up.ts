import type { Block } from '../chain/block.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { JsonValue } from '../chain/py-json.ts';
import type { ChainRules } from '../chain/rules.ts';
import { isObject, shown, validChain, validChainResponse, validExtension, type Verdict } from '../chain/validate.ts';
import { ExchangeDeadline, type PeerClient } from './peer-client.ts';

/** A peer whose chain is longer than ours, and how to get it. */
export interface Offer {
  peer: string;
  /** The length the peer reported. */
  length: number;
  /** The peer's whole chain, validated; the blocks it shares with ours are our own objects. */
  fetch(): Promise<Verdict<Block[]>>;
}

/**
 * What polling one peer in a sync gave: its length and maybe an offer, or why the peer could not be
 * used, or that it is this node itself; and the id it gave, if any.
 */
export type PeerPoll =
  | { ok: true; self: false; answered: true; length: number | undefined; offer: Offer | undefined; nodeId: string | undefined }
  | { ok: false; self: false; answered: boolean; reason: string; length?: number; nodeId?: string | undefined }
  | { ok: false; self: true };

export interface CatchUpContext {
  peerClient: PeerClient;
  nodeId: string;
  /** Our chain as it is now: read at each step, since it may grow while we wait for a peer. */
  chain: () => readonly Block[];
  rules: ChainRules;
}

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/**
 * Asks a peer how long its chain is. A chainlab node answers GET /chain/tip, and its blocks are
 * fetched only if it is ahead, and then only those we lack. A node without /chain/tip (the
 * reference) is asked for its whole chain, as the reference's own resolve does. The tip and that
 * whole chain are one exchange, under one deadline.
 */
export async function askPeer(peer: string, context: CatchUpContext): Promise<PeerPoll> {
  const { peerClient, nodeId, chain } = context;
  using deadline = new ExchangeDeadline();
  const tip = await peerClient.getTip(peer, { deadline });
  // Awaited, not returned: leaving this function disposes of the deadline.
  if (!tip.ok && (tip.status === 404 || tip.status === 405)) return await askForWholeChain(peer, context, deadline);
  if (!tip.ok) return { ...tip, self: false };
  const peerId = tip.value.nodeId;
  if (peerId === nodeId) return { ok: false, self: true };
  const length = lengthOf(tip.value.body);
  if (length === undefined) {
    return {
      ok: false,
      self: false,
      answered: true,
      reason: `GET ${peer}/chain/tip: expected {length, hash} with a whole length of at least 1`,
      nodeId: peerId,
    };
  }
  const offer = length > chain().length ? { peer, length, fetch: () => catchUp(peer, context) } : undefined;
  return { ok: true, self: false, answered: true, length, offer, nodeId: peerId };
}

async function askForWholeChain(
  peer: string,
  { peerClient, nodeId, chain, rules }: CatchUpContext,
  deadline: ExchangeDeadline,
): Promise<PeerPoll> {
  const answer = await peerClient.getChain(peer, undefined, { deadline });
  if (!answer.ok) return { ...answer, self: false };
  const { body, nodeId: peerId } = answer.value;
  if (peerId === nodeId) return { ok: false, self: true };
  const length = isObject(body) ? lengthOf(body) : undefined;
  // Like the reference, only a longer chain is worth validating.
  if (length !== undefined && length <= chain().length)
    return { ok: true, self: false, answered: true, length, offer: undefined, nodeId: peerId };
  const verdict = validChainResponse(body, rules);
  if (!verdict.ok) return { ok: false, self: false, answered: true, reason: verdict.reason, length, nodeId: peerId };
  const offer = { peer, length: verdict.value.length, fetch: async () => verdict };
  return { ok: true, self: false, answered: true, length: verdict.value.length, offer, nodeId: peerId };
}

/**
 * The peer's chain, fetching only the blocks we lack: GET /chain?from=N with N just past our tip.
 * If its first block does not follow our block N-1, the chains forked earlier, so N steps back
 * (1, 2, 4, 8… blocks) until they meet; at N = 1 the whole chain comes and is checked as such. A
 * peer that ignores `from` (its answer has none) sends its whole chain at once. All those steps are
 * one exchange, under one deadline: a peer that answers each just before the timeout cannot make a
 * catch-up last several.
 */
export async function catchUp(peer: string, { peerClient, chain, rules }: CatchUpContext): Promise<Verdict<Block[]>> {
  const ours = chain();
  using deadline = new ExchangeDeadline();
  for (let back = 0; ; back = back === 0 ? 1 : back * 2) {
    const from = Math.max(1, ours.length + 1 - back);
    const answer = await peerClient.getChain(peer, from, { deadline });
    if (!answer.ok) return answer;
    const { body } = answer.value;
    if (!isObject(body)) return fail('response is not a JSON object');
    if (body.from === undefined) return validChainResponse(body, rules);
    if (body.from !== from) return fail(`asked for the blocks from ${from} on, got them from ${shown(body.from)}`);
    const blocks = body.chain;
    if (!Array.isArray(blocks)) return fail('response has no chain array');
    if (body.length !== from - 1 + blocks.length)
      return fail(`length ${shown(body.length)} does not match ${blocks.length} blocks from block ${from} on`);
    if (from === 1) {
      const verdict = validChain(blocks, rules);
      return verdict.ok ? verdict : fail(`invalid chain: ${verdict.reason}`);
    }
    if (blocks.length === 0) return { ok: true, value: [...ours] }; // it is no longer ahead
    const anchor = ours[from - 2]!;
    if (!followsOn(blocks[0], anchor)) continue;
    const verdict = validExtension(anchor, from, blocks, rules);
    if (!verdict.ok) return fail(`invalid chain: ${verdict.reason}`);
    return { ok: true, value: [...ours.slice(0, from - 1), ...verdict.value] };
  }
}

function followsOn(block: JsonValue | undefined, anchor: Block): boolean {
  return isObject(block) && block.previous_hash === cachedHash(anchor);
}

function lengthOf(body: JsonValue): number | undefined {
  const length = isObject(body) ? body.length : undefined;
  return typeof length === 'number' && Number.isSafeInteger(length) && length >= 1 ? length : undefined;
}
