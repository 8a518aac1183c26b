// What a link passes on to one peer: batches bounded by count and bytes, smaller batches after a
// 413, and the outbox kept through a peer's passing trouble (429, 503).
import { transactionKey, type Transaction } from '../../src/chain/block.ts';
import { toJson, type JsonValue } from '../../src/chain/py-json.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import { PeerLink } from '../../src/peers/peer-link.ts';
import { capturingLogger } from '../support/apps.ts';
import { buildChain } from '../support/chains.ts';
import { eventually } from '../support/eventually.ts';

const PEER = 'node2:5000';
const KIB = 1024;
const OK: PeerReply = { ok: true, value: { body: { status: 'ok' }, nodeId: 'node2' } };
const refusal = (status: number): PeerReply => ({
  ok: false,
  answered: true,
  status,
  reason: `POST ${PEER}/gossip/transactions: HTTP ${status}`,
});

const transaction = (id: string, padding = 0): Transaction => ({
  sender: 'alice',
  recipient: 'bob',
  amount: 1,
  id,
  memo: 'x'.repeat(padding),
});

interface Sent {
  ids: string[];
  bytes: number;
  reply: PeerReply;
}

/** A link to a stand-in peer whose answer to each batch `answer` decides; what it was sent, in `sent`. */
function linkTo(
  pending: Transaction[],
  answer: (batch: { ids: string[]; bytes: number }, attempt: number) => PeerReply,
  maxBatchBytes = 64 * KIB,
) {
  const sent: Sent[] = [];
  const post: PeerClient['post'] = async (_peer, _path, body: JsonValue) => {
    const transactions = (body as { transactions: Transaction[] }).transactions;
    const batch = { ids: transactions.map((t) => t.id as string), bytes: toJson(body).length };
    const reply = answer(batch, sent.length);
    sent.push({ ...batch, reply });
    return reply;
  };
  const unused = async (): Promise<PeerReply> => refusal(500);
  const { log, lines } = capturingLogger('debug');
  const link = new PeerLink(
    PEER,
    {
      pool: { pending, pendingTransaction: (key) => pending.find((t) => transactionKey(t) === key) },
      peerClient: { getChain: unused, getTip: unused, post },
      log,
      advertiseAddress: 'node1:5000',
      retry: { minMs: 5, maxMs: 20 },
      maxBatchBytes,
      silent: new Set(),
      handOver: () => undefined,
    },
    true,
  );
  const delivered = () => sent.filter((s) => s.reply.ok).flatMap((s) => s.ids);
  const warnings = () => lines.filter((line) => line.level === 40).map((line) => String(line.msg));
  return { link, sent, delivered, warnings, stop: () => link.close() };
}

const ids = (transactions: Transaction[]) => transactions.map((t) => t.id as string);

describe('batches of passed-on transactions', () => {
  test('stay within maxBatchBytes, so a pool of large transactions reaches a peer that refuses larger bodies', async () => {
    const pending = Array.from({ length: 40 }, (_, i) => transaction(`t${i}`, 10 * KIB));
    // The peer takes bodies up to a block and 64 KiB more, as chainlab nodes do.
    const { link, sent, delivered, stop } = linkTo(pending, ({ bytes }) => (bytes <= 64 * KIB + 64 * KIB ? OK : refusal(413)), 64 * KIB);
    link.sendPool();
    await eventually(() => expect(delivered()).toEqual(ids(pending)));
    expect(sent.every((s) => s.bytes <= 64 * KIB)).toBe(true);
    expect(sent.every((s) => s.reply.ok)).toBe(true);
    stop();
  });

  test('hold at most 500 transactions', async () => {
    const pending = Array.from({ length: 1200 }, (_, i) => transaction(`t${i}`));
    const { link, sent, delivered, stop } = linkTo(pending, () => OK, 1024 * KIB);
    link.sendPool();
    await eventually(() => expect(delivered()).toEqual(ids(pending)));
    expect(sent.map((s) => s.ids.length)).toEqual([500, 500, 200]);
    stop();
  });

  test('a transaction larger than maxBatchBytes on its own is sent alone', async () => {
    const pending = [transaction('small-1'), transaction('big', 100 * KIB), transaction('small-2')];
    const { link, sent, delivered, stop } = linkTo(pending, () => OK, 64 * KIB);
    link.sendPool();
    await eventually(() => expect(delivered()).toEqual(ids(pending)));
    expect(sent.map((s) => s.ids)).toEqual([['small-1'], ['big'], ['small-2']]);
    stop();
  });
});

describe('when a peer refuses a batch', () => {
  test('413: the batch is halved and sent again, until the peer takes them all', async () => {
    const pending = Array.from({ length: 10 }, (_, i) => transaction(`t${i}`));
    // A peer with a smaller limit than ours: three transactions a request at most.
    const { link, sent, delivered, warnings, stop } = linkTo(pending, ({ ids }) => (ids.length <= 3 ? OK : refusal(413)));
    link.sendPool();
    await eventually(() => expect(delivered()).toEqual(ids(pending)));
    expect(sent[0]!.ids).toHaveLength(10);
    expect(sent.slice(0, 3).map((s) => s.ids.length)).toEqual([10, 5, 2]);
    expect(warnings()).toEqual([]);
    stop();
  });

  test('413 for a single transaction: that one is dropped with a warning naming it, the rest go', async () => {
    const pending = [transaction('a'), transaction('too-big'), transaction('b')];
    const { link, sent, delivered, warnings, stop } = linkTo(pending, ({ ids }) => (ids.includes('too-big') ? refusal(413) : OK));
    link.sendPool();
    await eventually(() => expect(delivered()).toEqual(['a', 'b']));
    expect(warnings()).toEqual([
      `peer ${PEER} refused transaction too-big as too large; not sending it again: POST ${PEER}/gossip/transactions: HTTP 413`,
    ]);
    // Tried alone once, then let go: the outbox is empty.
    expect(sent.filter((s) => s.ids.includes('too-big')).map((s) => s.ids)).toEqual([['a', 'too-big', 'b'], ['too-big', 'b'], ['too-big']]);
    expect(sent.at(-1)!.ids).toEqual(['b']);
    stop();
  });

  test.each([
    [429, 'its pool is full'],
    [503, 'its store failed'],
  ])('%i (%s) is not a refusal for good: the outbox is kept and sent again after a backoff', async (status) => {
    const pending = [transaction('a'), transaction('b')];
    const { link, sent, delivered, warnings, stop } = linkTo(pending, (_batch, attempt) => (attempt < 2 ? refusal(status) : OK));
    link.sendPool();
    await eventually(() => expect(delivered()).toEqual(['a', 'b']));
    expect(sent.map((s) => s.reply.ok)).toEqual([false, false, true]);
    expect(warnings()).toEqual([]);
    stop();
  });

  test('400: the batch is refused for good, with a warning, and not sent again', async () => {
    const pending = [transaction('a'), transaction('b')];
    const { link, sent, warnings, stop } = linkTo(pending, () => refusal(400));
    link.sendPool();
    await eventually(() => expect(warnings()).toHaveLength(1));
    expect(warnings()[0]).toBe(`peer ${PEER} refused 2 transactions: POST ${PEER}/gossip/transactions: HTTP 400`);
    expect(sent).toHaveLength(1);
    stop();
  });
});

describe('a link closed while a request is in flight', () => {
  test('a late 404 to a block announced before close() does not mark the peer, registered again, as silent', async () => {
    const silent = new Set<string>();
    const replies: ((reply: PeerReply) => void)[] = [];
    const post: PeerClient['post'] = () => new Promise((resolve) => replies.push(resolve));
    const unused = async (): Promise<PeerReply> => refusal(500);
    const { log } = capturingLogger('debug');
    const context = {
      pool: { pending: [], pendingTransaction: () => undefined },
      peerClient: { getChain: unused, getTip: unused, post },
      log,
      advertiseAddress: 'node1:5000',
      retry: { minMs: 5, maxMs: 20 },
      maxBatchBytes: 64 * KIB,
      silent,
      handOver: () => undefined,
    };
    const [, block] = buildChain(2);
    const old = new PeerLink(PEER, context, true);
    void old.announceBlock(block!, 2, 'node1');
    expect(replies).toHaveLength(1);
    old.close(); // the peer is forgotten, then registered again: a new link, the same silent set
    const renewed = new PeerLink(PEER, context, true);

    replies[0]!({ ok: false, answered: true, status: 404, reason: `POST ${PEER}/gossip/blocks: HTTP 404` });
    await new Promise(setImmediate); // the reply's handlers have run
    expect(silent.has(PEER)).toBe(false);
    void renewed.announceBlock(block!, 2, 'node1');
    expect(replies).toHaveLength(2);
    renewed.close();
  });
});
