// What a link owes one peer over the broadcast tree: each transaction with the limit the peer is to
// pass it on to, one limit a batch, and ranges handed over while the peer cannot be told.
import { transactionKey, type Transaction } from '../../src/chain/block.ts';
import type { JsonValue } from '../../src/chain/py-json.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import { PeerLink } from '../../src/peers/peer-link.ts';
import { silentLogger } from '../../src/log/log.ts';
import { eventually } from '../support/eventually.ts';

const PEER = 'node2:5000';
const OK: PeerReply = { ok: true, value: { body: {}, nodeId: 'node2' } };
const failure = (status?: number): PeerReply => ({
  ok: false,
  answered: status !== undefined,
  ...(status === undefined ? {} : { status }),
  reason: `POST ${PEER}/gossip/transactions: ${status ?? 'unreachable'}`,
});

const transaction = (id: string): Transaction => ({ sender: 'alice', recipient: 'bob', amount: 1, id });

/** A link to a stand-in peer answering each batch as `answer` says; what it was sent and what it handed over. */
function linkTo(pending: Transaction[], answer: (attempt: number) => PeerReply, silent = new Set<string>()) {
  const sent: { ids: string[]; limit: string | undefined }[] = [];
  const handedOver: { peer: string; ids: string[]; limit: string }[] = [];
  const find = (key: string) => pending.find((t) => transactionKey(t) === key);
  const post: PeerClient['post'] = async (_peer, _path, body: JsonValue) => {
    const { transactions, limit } = body as { transactions: Transaction[]; limit?: string };
    const reply = answer(sent.length);
    sent.push({ ids: transactions.map((t) => t.id as string), limit });
    return reply;
  };
  const unused = async (): Promise<PeerReply> => failure(500);
  const link = new PeerLink(
    PEER,
    {
      pool: { pending, pendingTransaction: find },
      peerClient: { getChain: unused, getTip: unused, post },
      log: silentLogger,
      advertiseAddress: 'node1:5000',
      retry: { minMs: 5, maxMs: 20 },
      maxBatchBytes: 65_536,
      silent,
      handOver: (peer, keys, limit) => handedOver.push({ peer, ids: keys.map((key) => find(key)!.id as string), limit }),
    },
    true,
  );
  return { link, sent, handedOver };
}

const keys = (transactions: Transaction[]) => transactions.map(transactionKey);

describe('ranges owed to a peer', () => {
  test('each batch carries one limit, in the order owed; transactions owed to the peer alone carry none', async () => {
    const pending = ['a', 'b', 'c', 'd'].map(transaction);
    const { link, sent } = linkTo(pending, () => OK);
    link.sendTransactions(keys(pending.slice(0, 2)), 'k');
    link.sendTransactions(keys(pending.slice(2, 3)), 'q');
    link.sendTransactions(keys(pending.slice(3)));
    await eventually(() => expect(sent).toHaveLength(3));
    // The first went alone, before the rest were owed; then one batch per limit.
    expect(sent).toEqual([
      { ids: ['a', 'b'], limit: 'k' },
      { ids: ['c'], limit: 'q' },
      { ids: ['d'], limit: undefined },
    ]);
    link.close();
  });

  test('the pool owed to a peer that is back never narrows a range it is owed', async () => {
    const pending = ['first', 'a', 'b'].map(transaction);
    const { link, sent } = linkTo(pending, () => OK);
    // The first batch is in flight while the range, then the pool, are owed.
    link.sendTransactions(keys(pending.slice(0, 1)));
    link.sendTransactions(keys(pending.slice(1)), 'k');
    link.sendPool();
    await eventually(() => expect(sent.flatMap((s) => s.ids).sort()).toEqual(['a', 'b', 'first']));
    expect(sent.find((s) => s.ids.includes('a'))!.limit).toBe('k');
    link.close();
  });

  test.each([
    ['unreachable', undefined],
    ['failing', 503],
    ['without gossip', 404],
  ])('a peer %s has its ranges handed over at once; its own copy waits for it', async (_what, status) => {
    const pending = ['a', 'b'].map(transaction);
    let up = false;
    const { link, sent, handedOver } = linkTo(pending, () => (up ? OK : failure(status)));
    link.sendTransactions(keys(pending), 'k');
    await eventually(() => expect(handedOver).toEqual([{ peer: PEER, ids: ['a', 'b'], limit: 'k' }]));
    // Owed more meanwhile: handed over straight away, not held up behind the peer's backoff.
    const late = transaction('late');
    pending.push(late);
    link.sendTransactions(keys([late]), 'q');
    expect(handedOver.at(-1)).toEqual({ peer: PEER, ids: ['late'], limit: 'q' });
    up = true;
    if (status !== 404)
      await eventually(() => expect(sent.filter((s) => s.ids.length > 0).at(-1)).toEqual({ ids: ['a', 'b', 'late'], limit: undefined }));
    link.close();
  });

  test('a peer that is only busy (429) keeps its range, and gets it again after the backoff', async () => {
    const pending = ['a'].map(transaction);
    const { link, sent, handedOver } = linkTo(pending, (attempt) => (attempt < 1 ? failure(429) : OK));
    link.sendTransactions(keys(pending), 'k');
    await eventually(() =>
      expect(sent).toEqual([
        { ids: ['a'], limit: 'k' },
        { ids: ['a'], limit: 'k' },
      ]),
    );
    expect(handedOver).toEqual([]);
    link.close();
  });

  test('a batch the peer refuses for good (400) is not passed on by it: its range goes to the next member', async () => {
    const pending = ['a', 'b'].map(transaction);
    const { link, sent, handedOver } = linkTo(pending, () => failure(400));
    link.sendTransactions(keys(pending), 'k');
    await eventually(() => expect(handedOver).toEqual([{ peer: PEER, ids: ['a', 'b'], limit: 'k' }]));
    expect(sent).toEqual([{ ids: ['a', 'b'], limit: 'k' }]); // and not sent to this peer again
    link.close();
  });
});
