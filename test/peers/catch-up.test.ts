// A slow peer cannot stretch an exchange of several requests: one deadline bounds them all.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Block } from '../../src/chain/block.ts';
import { toJson } from '../../src/chain/py-json.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { askPeer, catchUp, type CatchUpContext } from '../../src/peers/catch-up.ts';
import { createPeerClient } from '../../src/peers/peer-client.ts';
import { buildChain, MAX_BLOCK_BYTES } from '../support/chains.ts';
import { startPeerServer, within } from './peer-server.ts';

const TIMEOUT_MS = 1000;
/** Each answer comes just before the timeout: in time for any one request, not for two. */
const SLOW_MS = 0.9 * TIMEOUT_MS;
const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES };

// Ours and theirs share only the genesis block, so catching up takes ?from=6, 5, 4, then 2.
const ours = buildChain(5, { miner: 'us' });
const theirs = buildChain(9, { miner: 'them' });

/** A chainlab peer serving `theirs`, each answer after `delayMs`; without a tip route if told so. */
function servePeer(delayMs: number, { tip = true } = {}) {
  return startPeerServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://peer');
    const from = url.searchParams.get('from');
    const answer = (status: number, body: unknown) =>
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(toJson(body as never));
      }, delayMs);
    if (url.pathname === '/chain/tip')
      return tip ? answer(200, { length: theirs.length, hash: 'not checked' }) : answer(404, { error: 'not found' });
    if (from === null) return answer(200, { chain: theirs, length: theirs.length });
    return answer(200, { chain: theirs.slice(Number(from) - 1), length: theirs.length, from: Number(from) });
  });
}

const context = (): CatchUpContext => ({
  peerClient: createPeerClient({ timeoutMs: TIMEOUT_MS }),
  nodeId: 'us',
  chain: (): readonly Block[] => ours,
  rules: RULES,
});

describe('catching up from a peer is one exchange, under one deadline', () => {
  test('a prompt peer: the catch-up steps back until the chains meet and takes their chain', async () => {
    await using peer = await servePeer(0);
    const verdict = await catchUp(peer.address, context());
    expect(verdict.ok && toJson(verdict.value)).toBe(toJson(theirs));
    expect(peer.asked).toEqual(['/chain?from=6', '/chain?from=5', '/chain?from=4', '/chain?from=2']);
  });

  test('a peer that answers each step just before the timeout: the catch-up fails within about one timeout', async () => {
    await using peer = await servePeer(SLOW_MS);
    const started = Date.now();
    // Four steps of 0.9 s each would take 3.6 s; the bound is generous, the deadline is what the test checks.
    const verdict = await within(4 * TIMEOUT_MS, 'the catch-up', catchUp(peer.address, context()));
    expect(verdict).toEqual({ ok: false, answered: false, reason: `GET ${peer.address}/chain?from=5: timeout after ${TIMEOUT_MS} ms` });
    expect(Date.now() - started).toBeLessThan(3 * TIMEOUT_MS);
    expect(peer.asked).toEqual(['/chain?from=6', '/chain?from=5']);
  });

  test('a peer without /chain/tip that answers each request just before the timeout: asking it fails within one timeout', async () => {
    await using peer = await servePeer(SLOW_MS, { tip: false });
    const poll = await within(4 * TIMEOUT_MS, 'asking the peer', askPeer(peer.address, context()));
    expect(poll).toEqual({ ok: false, self: false, answered: false, reason: `GET ${peer.address}/chain: timeout after ${TIMEOUT_MS} ms` });
    expect(peer.asked).toEqual(['/chain/tip', '/chain']);
  });

  test('the same peer, prompt: asking it falls back to its whole chain and offers it', async () => {
    await using peer = await servePeer(0, { tip: false });
    const poll = await askPeer(peer.address, context());
    expect(poll).toMatchObject({ ok: true, length: theirs.length, offer: { peer: peer.address, length: theirs.length } });
  });
});
