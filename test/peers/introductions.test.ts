// A node introduces itself to each peer (POST /nodes/register) until the peer takes it; a peer
// found up is introduced to at once, not when the backoff ends.
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import { PeerLink } from '../../src/peers/peer-link.ts';
import { silentLogger } from '../../src/log/log.ts';
import { eventually } from '../support/eventually.ts';

const PEER = 'node2:5000';
const DOWN: PeerReply = { ok: false, answered: false, reason: `POST ${PEER}/nodes/register: unreachable` };
const OK: PeerReply = { ok: true, value: { body: {}, nodeId: 'node2' } };

test('a peer that was down when introduced to is introduced to again as soon as it is found up', async () => {
  const attempts: string[] = [];
  const post: PeerClient['post'] = async (_peer, path) => {
    attempts.push(path);
    return attempts.length === 1 ? DOWN : OK;
  };
  const unused = async (): Promise<PeerReply> => DOWN;
  const link = new PeerLink(
    PEER,
    {
      pool: { pending: [], pendingTransaction: () => undefined },
      peerClient: { getChain: unused, getTip: unused, post },
      log: silentLogger,
      advertiseAddress: 'node1:5000',
      // A backoff far longer than the test: only finding the peer up can bring the second attempt.
      retry: { minMs: 600_000, maxMs: 600_000 },
      maxBatchBytes: 65_536,
      silent: new Set(),
      handOver: () => undefined,
    },
    undefined,
  );
  link.introduce();
  await eventually(() => expect(attempts).toEqual(['/nodes/register']));
  link.noteReachable(false);
  await new Promise(setImmediate);
  expect(attempts).toHaveLength(1);
  link.noteReachable(true);
  await eventually(() => expect(attempts).toEqual(['/nodes/register', '/nodes/register']));
  link.noteReachable(true); // introduced: nothing more to send
  await new Promise(setImmediate);
  expect(attempts).toHaveLength(2);
  link.close();
});
