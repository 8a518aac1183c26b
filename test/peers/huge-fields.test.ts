// A peer's fields end up in reasons, which are logged, returned by /nodes/resolve and sent to every
// page. A field that is megabytes (an array of 95 million strings is 190 MB on the wire and more
// than V8 can write as one string) must be described, never written out: before, writing it threw
// inside an unattended sync and ended the process.
import type { Block } from '../../src/chain/block.ts';
import type { JsonValue } from '../../src/chain/py-json.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { validChainResponse } from '../../src/chain/validate.ts';
import { catchUp } from '../../src/peers/catch-up.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import { buildChain, MAX_BLOCK_BYTES } from '../support/chains.ts';

const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES };
/** Far more than any reason needs, far less than the field. */
const REASON_BOUND = 300;
const HUGE_ARRAY: JsonValue = Array.from({ length: 200_000 }, () => 'é'.repeat(10));
const HUGE_STRING: JsonValue = 'A'.repeat(5_000_000);

/** A peer that answers every GET /chain with `body`. */
function peerAnswering(body: JsonValue): PeerClient {
  const reply = async (): Promise<PeerReply> => ({ ok: true, value: { body, nodeId: 'them' } });
  return { getChain: reply, getTip: reply, post: reply };
}

const ours: readonly Block[] = buildChain(3, { miner: 'us' });

describe.each([
  ['an array of 200,000 strings', HUGE_ARRAY],
  ['a string of 5 million characters', HUGE_STRING],
])('a peer whose field is %s', (_, huge) => {
  test('as the length of a whole chain: the reason describes it in a few words', () => {
    const verdict = validChainResponse({ chain: [], length: huge }, RULES);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason.length).toBeLessThan(REASON_BOUND);
  });

  test('as the length or the start of a catch-up answer: the reason describes it in a few words', async () => {
    const context = { nodeId: 'us', chain: () => ours, rules: RULES };
    for (const body of [
      { chain: [], length: huge, from: ours.length + 1 },
      { chain: [], length: ours.length, from: huge },
    ]) {
      const verdict = await catchUp('them:5000', { ...context, peerClient: peerAnswering(body) });
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.reason.length).toBeLessThan(REASON_BOUND);
    }
  });
});
