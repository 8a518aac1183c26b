// Gossip over the broadcast tree: whom a node tells of its news, with which limit, and who takes
// over the range of a peer that cannot be told. The node and its peers are stand-ins.
import { EventEmitter } from 'node:events';
import { transactionKey, type Transaction } from '../../src/chain/block.ts';
import type { JsonValue } from '../../src/chain/py-json.ts';
import { silentLogger } from '../../src/log/log.ts';
import type { NodeEvents } from '../../src/node/node-events.ts';
import { Gossip, type GossipNode } from '../../src/peers/gossip.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import type { PeerStatus } from '../../src/peers/peer-set.ts';
import { buildChain } from '../support/chains.ts';
import { eventually } from '../support/eventually.ts';

const OK: PeerReply = { ok: true, value: { body: {}, nodeId: undefined } };
const DOWN: PeerReply = { ok: false, answered: false, reason: 'unreachable' };
const NOT_FOUND: PeerReply = { ok: false, answered: true, status: 404, reason: 'HTTP 404' };

/** This node is `m`; its peers, by id, sit round it on the ring as n q t b d f h k. */
const SELF = 'm';
const IDS = ['b', 'd', 'f', 'h', 'k', 'n', 'q', 't'];

const status = (nodeId: string | undefined, node = `${nodeId}:5000`, reachable: boolean | undefined = true): PeerStatus => ({
  node,
  nodeId,
  reachable,
  lastSeen: undefined,
  length: 1,
  lastError: undefined,
  downSince: undefined,
});

interface Post {
  peer: string;
  path: string;
  body: { limit?: string; transactions?: Transaction[] };
}

/** Gossip for a stand-in node with `peers`; `answer` decides each peer's reply to each gossip request. */
function gossipAmong(peers: PeerStatus[], answer: (peer: string, path: string) => PeerReply = () => OK) {
  const events = new EventEmitter<NodeEvents>();
  const chain = buildChain(2);
  const pending: Transaction[] = [];
  const node: GossipNode = {
    nodeId: SELF,
    events,
    chain,
    pending,
    pendingTransaction: (key) => pending.find((transaction) => transactionKey(transaction) === key),
    peerStatuses: () => peers,
    sync: async () => undefined,
  };
  const posts: Post[] = [];
  const unused = async (): Promise<PeerReply> => DOWN;
  const post: PeerClient['post'] = async (peer, path, body: JsonValue) => {
    if (path === '/nodes/register') return OK;
    posts.push({ peer, path, body: body as Post['body'] });
    return answer(peer, path);
  };
  const gossip = new Gossip({
    node,
    peerClient: { getChain: unused, getTip: unused, post },
    log: silentLogger,
    advertiseAddress: 'm:5000',
    syncIntervalMs: 0,
    maxBatchBytes: 65_536,
    retry: { minMs: 5, maxMs: 20 },
    // Placed by id, as for transactions, so that the trees below can be read off the ring; the
    // default, a ring drawn anew for each block, has tests of its own.
    placeForBlock: (name) => name,
  });
  const told = (path: string) => posts.filter((p) => p.path === path).map((p) => `${p.peer.replace(':5000', '')}<${p.body.limit ?? '-'}`);
  const pool = (transaction: Transaction) => {
    pending.push(transaction);
    return transaction;
  };
  return { events, chain, gossip, posts, told, pool };
}

/** Lets every announcement due this turn of the event loop go out, and their answers come back. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise(setImmediate);
};

const transaction = (id: string): Transaction => ({ sender: 'a', recipient: 'b', amount: 1, id });

describe('blocks over the broadcast tree', () => {
  test('a block mined here goes to the heads of two halves of the ring, each up to the other half', async () => {
    const { events, chain, gossip, told } = gossipAmong(IDS.map((id) => status(id)));
    events.emit('mined', { block: chain[1]! as never, miningMs: 1 });
    await settle();
    // From m round the ring: n q t b | d f h k.
    expect(told('/gossip/blocks')).toEqual(['n<d', 'd<m']);
    gossip.stop();
  });

  test('a block appended from a peer is relayed over the range the peer gave, and only then', async () => {
    const { events, chain, gossip, told } = gossipAmong(IDS.map((id) => status(id)));
    events.emit('appended', { block: chain[1]!, relay: { limit: 'd' } });
    await settle();
    expect(told('/gossip/blocks')).toEqual(['n<t', 't<d']); // (m, d): n q t b
    events.emit('appended', { block: chain[1]!, relay: 'none' });
    await settle();
    expect(told('/gossip/blocks')).toHaveLength(2);
    gossip.stop();
  });

  test('a chain adopted, because of an announcement or not, goes to the whole ring: its tip may not be the block announced', async () => {
    const { events, chain, gossip, told } = gossipAmong(IDS.map((id) => status(id)));
    events.emit('replaced', { chain, peer: 'n:5000', from: 2, dropped: [], returned: [] });
    await settle();
    expect(told('/gossip/blocks')).toEqual(['n<d', 'd<m']);
    gossip.stop();
  });

  test('a peer down, or failing, has its segment passed to the next member of it', async () => {
    const { events, chain, gossip, told } = gossipAmong(
      IDS.map((id) => status(id)),
      (peer) => (peer === 'n:5000' || peer === 'q:5000' ? DOWN : peer === 'd:5000' ? { ...DOWN, answered: true, status: 503 } : OK),
    );
    events.emit('mined', { block: chain[1]! as never, miningMs: 1 });
    // n and q are down, d fails: q, then t, take n's half; f takes d's.
    await eventually(() => expect(told('/gossip/blocks').sort()).toEqual(['d<m', 'f<m', 'n<d', 'q<d', 't<d']));
    gossip.stop();
  });

  test('a run of peers that cannot be told costs at most two hand-overs: the rest of their segment waits for its syncs', async () => {
    const { events, chain, gossip, told } = gossipAmong(
      IDS.map((id) => status(id)),
      (peer) => (['n:5000', 'q:5000', 't:5000'].includes(peer) ? DOWN : OK),
    );
    events.emit('mined', { block: chain[1]! as never, miningMs: 1 });
    // n, q and t are down: q and t are tried for n's half, b is not.
    await eventually(() => expect(told('/gossip/blocks').sort()).toEqual(['d<m', 'n<d', 'q<d', 't<d']));
    await settle();
    expect(told('/gossip/blocks')).not.toContain('b<d');
    gossip.stop();
  });

  test("two peers claiming one id (a liar taking a victim's) are both told: each sits by its address", async () => {
    const { events, chain, gossip, told } = gossipAmong([status('q', 'victim:5000'), status('q', 'liar:5000')]);
    events.emit('mined', { block: chain[1]! as never, miningMs: 1 });
    await settle();
    // By id they would share one place, and the ring would keep only the first registered.
    expect(told('/gossip/blocks').sort()).toEqual(['liar<m', 'victim<liar:5000']);
    gossip.stop();
  });

  test('a peer that refuses the block (400) was told: its segment is its own', async () => {
    const { events, chain, gossip, told } = gossipAmong(
      IDS.map((id) => status(id)),
      () => ({ ...DOWN, answered: true, status: 400 }),
    );
    events.emit('mined', { block: chain[1]! as never, miningMs: 1 });
    await settle();
    expect(told('/gossip/blocks')).toEqual(['n<d', 'd<m']);
    gossip.stop();
  });

  test('peers known to be down, or not to take gossip, are left out; one whose id is not known is placed by its address', async () => {
    const peers = [...IDS.map((id) => status(id, undefined, id !== 'n')), status(undefined, 'o-reference:5000')];
    const { events, chain, gossip, told } = gossipAmong(peers, (peer) => (peer === 'o-reference:5000' ? NOT_FOUND : OK));
    events.emit('mined', { block: chain[1]! as never, miningMs: 1 });
    await settle();
    // n is down; the reference, at o-reference:5000, heads the first half and answers 404: q takes over.
    expect(told('/gossip/blocks')).toEqual(['o-reference<d', 'd<m', 'q<d']);
    events.emit('mined', { block: chain[1]! as never, miningMs: 1 });
    await settle();
    expect(told('/gossip/blocks').slice(3)).toEqual(['q<d', 'd<m']); // q t b | d f h k
    gossip.stop();
  });
});

describe('transactions over the broadcast tree', () => {
  test("a client's transaction goes to the heads of the two halves; a peer's is relayed over its range, or not at all", async () => {
    const { events, gossip, told, pool } = gossipAmong(IDS.map((id) => status(id)));
    events.emit('transaction', { transaction: pool(transaction('t1')) });
    await eventually(() => expect(told('/gossip/transactions')).toEqual(['n<d', 'd<m']));
    events.emit('transaction', { transaction: pool(transaction('t2')), relay: { limit: 'b' } });
    await eventually(() => expect(told('/gossip/transactions').slice(2)).toEqual(['n<q', 'q<b']));
    events.emit('transaction', { transaction: pool(transaction('t3')), relay: 'none' });
    await settle();
    expect(told('/gossip/transactions')).toHaveLength(4);
    gossip.stop();
  });

  test('transactions a peer cannot be told of go to the next member of its range; the peer gets its own copy once it is back', async () => {
    let nUp = false;
    const { events, gossip, posts, told, pool } = gossipAmong(
      IDS.map((id) => status(id)),
      (peer) => (peer === 'n:5000' && !nUp ? DOWN : OK),
    );
    events.emit('transaction', { transaction: pool(transaction('t1')) });
    await eventually(() => expect(told('/gossip/transactions').slice(0, 4)).toEqual(['n<d', 'd<m', 'q<d', 'n<-']));
    nUp = true;
    await eventually(() =>
      expect(posts.filter((p) => p.peer === 'n:5000' && p.path === '/gossip/transactions').at(-1)).toMatchObject({
        body: { transactions: [{ id: 't1' }] },
      }),
    );
    expect(
      told('/gossip/transactions')
        .filter((entry) => entry.startsWith('n<'))
        .slice(1)
        .every((entry) => entry === 'n<-'),
    ).toBe(true);
    gossip.stop();
  });
});
