// The explorer's lab view of each node: nothing more is asked of a node whose lab is off, and what a
// node sends is cut to a bounded size, however many blocks it dropped.
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import type { JsonValue } from '../../src/chain/py-json.ts';
import type { LabReader } from '../../src/explorer/lab-read.ts';
import { droppedBlocks, LAB_DROPPED_SHOWN, LAB_RETURNED_SHOWN, labView } from '../../src/explorer/lab-view.ts';
import type { PeerReply } from '../../src/peers/peer-client.ts';
import { buildChain } from '../support/chains.ts';

const answer = (body: JsonValue): PeerReply => ({ ok: true, value: { body, nodeId: undefined } });

/** A reader serving `bodies` by path, and recording what it was asked. */
function reader(bodies: Record<string, PeerReply>): { read: LabReader; asked: string[] } {
  const asked: string[] = [];
  const read: LabReader = async (address, path) => {
    asked.push(`${address}${path}`);
    return bodies[path] ?? { ok: false, answered: true, status: 404, reason: `GET ${address}${path}: HTTP 404` };
  };
  return { read, asked };
}

describe('the lab view', () => {
  test('a node whose GET /lab is a 404 (LAB=off) has lab null, and is asked nothing more', async () => {
    const { read, asked } = reader({});
    expect(await labView(['off:5000', null], read)).toEqual([null, null]);
    expect(asked).toEqual(['off:5000/lab']);
  });

  test("a node's faults, verdict and dropped blocks, cut to the newest LAB_DROPPED_SHOWN with LAB_RETURNED_SHOWN transactions each", async () => {
    const [, block] = buildChain(2);
    const many = Array.from({ length: 30 }, (_, i) => ({ sender: 's' + i, recipient: 'r'.repeat(1000), amount: i }));
    const dropped = Array.from({ length: LAB_DROPPED_SHOWN + 5 }, (_, i) => ({
      position: i + 2,
      hash: 'h' + i,
      block: block!,
      replaced_by: 'node2:5000',
      returned: many,
    }));
    const { read } = reader({
      '/lab': answer({ groups: [['a'], ['b']], links: [], paused: true }),
      '/chain/verify': answer({ valid: false, reasons: ['block 2: bad previous_hash'] }),
      '/lab/dropped': answer({ blocks: dropped }),
    });
    const [lab] = await labView(['lab:5000'], read);
    expect(lab).toMatchObject({ faults: { paused: true }, valid: false, reasons: ['block 2: bad previous_hash'], error: null });
    expect(lab!.dropped_count).toBe(LAB_DROPPED_SHOWN + 5);
    expect(lab!.dropped.map((d) => d.hash)).toEqual(dropped.slice(-LAB_DROPPED_SHOWN).map((d) => d.hash));
    const [first] = lab!.dropped;
    expect(first).toMatchObject({ index: 7, previous_hash: block!.previous_hash, replaced_by: 'node2:5000', returned_count: 30 });
    expect(first!.returned).toHaveLength(LAB_RETURNED_SHOWN);
    expect((first!.returned[0] as { recipient: string }).recipient.length).toBeLessThan(300);
  });

  test("a dropped block without the node's hash is named by its own", () => {
    const [, block] = buildChain(2);
    expect(droppedBlocks({ blocks: [{ position: 2, block: block!, returned: [] }, 'not a block'] })).toEqual([
      { index: 2, hash: cachedHash(block!), previous_hash: block!.previous_hash, replaced_by: null, returned: [], returned_count: 0 },
    ]);
  });

  test("a node's failure to answer is its reason, not a throw", async () => {
    const read: LabReader = async (address, path) => ({
      ok: false,
      answered: false,
      reason: `GET ${address}${path}: timeout after 2000 ms`,
    });
    expect(await labView(['slow:5000'], read)).toEqual([
      expect.objectContaining({ faults: null, error: 'GET slow:5000/lab: timeout after 2000 ms' }),
    ]);
  });
});
