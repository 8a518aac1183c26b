// A network-wide reset reaches the nodes one after another: each goes quiet for a moment as it
// resets, so that none catches up from a peer not reset yet (see FaultTable.quiet).
import { Lab } from '../../src/lab/lab.ts';
import { silentLogger } from '../../src/log/log.ts';
import { standInRequester } from '../support/peer-requester.ts';

test('a node resetting goes quiet: it neither asks its peers nor takes their requests until the time is up', async () => {
  let now = 0;
  const resets: string[] = [];
  const client = standInRequester({ post: async () => ({ ok: true, value: { body: {}, nodeId: undefined } }) });
  const lab = new Lab({
    nodeId: 'node1',
    address: () => 'node1:5000',
    peers: { list: () => ['node2:5000'], statuses: () => [{ node: 'node2:5000', nodeId: 'node2' }] },
    client,
    log: silentLogger,
    handlers: { reset: () => void resets.push('reset') },
    resetQuietMs: 2000,
    now: () => now,
  });
  expect(lab.faults.outbound('node2:5000', lab.acquaintances()).cut).toBeUndefined();
  await lab.relay.originate({ type: 'reset' });
  expect(resets).toEqual(['reset']);
  expect(lab.faults.outbound('node2:5000', lab.acquaintances()).cut).toMatch(/quiet/);
  expect(lab.refusal('node2')).toMatch(/quiet/);
  now = 2000;
  expect(lab.faults.outbound('node2:5000', lab.acquaintances()).cut).toBeUndefined();
  expect(lab.refusal('node2')).toBeUndefined();
});
