import { Blockchain } from '../../src/chain/blockchain.ts';
import { ChainNode } from '../../src/node/chain-node.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import { PeerSet, START_GRACE_SECONDS } from '../../src/peers/peer-set.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { capturingLogger, idleMiner } from '../support/apps.ts';

const PEER = 'node2:5000';
const DOWN: PeerReply = {
  ok: false,
  answered: false,
  reason: 'GET node2:5000/chain/tip: unreachable (connect ECONNREFUSED 10.0.0.2:5000)',
};
const UP: PeerReply = { ok: true, value: { body: { length: 1, hash: 'f'.repeat(64) }, nodeId: 'node2' } };

/** A node with one peer whose tip answer, and the clock, the test sets before each sync. */
function nodeWithOnePeer() {
  const { log, lines } = capturingLogger('debug');
  const world = { now: 1_700_000_000, answer: DOWN };
  const tip = async () => world.answer;
  const peerClient: PeerClient = { getTip: tip, getChain: tip, post: tip };
  const node = new ChainNode({
    nodeId: 'node1',
    rules: { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 },
    limits: { maxPending: 100_000, maxPendingBytes: 33_554_432, maxBlockBytes: 8_388_608 },
    blockchain: new Blockchain(),
    store: new MemoryStore(),
    miner: idleMiner,
    peers: new PeerSet({ maxPeers: 64 }),
    peerClient,
    clock: () => world.now,
    log,
  });
  node.registerPeers([PEER], 'config');
  /** Syncs `seconds` after the first sync with the peer up or down; returns what it logged about the peer. */
  const syncAt = async (seconds: number, answer: PeerReply) => {
    world.now = 1_700_000_000 + seconds;
    world.answer = answer;
    const from = lines.length;
    await node.sync();
    return lines
      .slice(from)
      .filter((line) => line.peer === PEER)
      .map(({ level, msg }) => `${level === 20 ? 'debug' : level === 30 ? 'info' : 'warn'}: ${String(msg)}`);
  };
  return { node, syncAt };
}

describe('what a node logs of a peer going up and down', () => {
  test('a peer not up yet at start is debug until the grace period is over, then one warning', async () => {
    const { syncAt } = nodeWithOnePeer();
    expect(await syncAt(0, DOWN)).toEqual([`debug: peer ${PEER} skipped: ${DOWN.reason}`]);
    expect(await syncAt(START_GRACE_SECONDS - 1, DOWN)).toEqual([`debug: peer ${PEER} skipped: ${DOWN.reason}`]);
    expect(await syncAt(START_GRACE_SECONDS, DOWN)).toEqual([
      `warn: peer ${PEER} is still down ${START_GRACE_SECONDS} s after it was first asked: ${DOWN.reason}`,
    ]);
    expect(await syncAt(START_GRACE_SECONDS + 2, DOWN)).toEqual([`debug: peer ${PEER} skipped: ${DOWN.reason}`]);
    expect(await syncAt(START_GRACE_SECONDS + 4, UP)).toEqual([`info: peer ${PEER} is up (1 block)`]);
  });

  test('a peer that comes up within the grace period is no warning at all', async () => {
    const { syncAt } = nodeWithOnePeer();
    expect(await syncAt(0, DOWN)).toEqual([`debug: peer ${PEER} skipped: ${DOWN.reason}`]);
    expect(await syncAt(2, UP)).toEqual([`info: peer ${PEER} is up (1 block)`]);
    expect(await syncAt(4, UP)).toEqual([]);
  });

  test('a peer that was up warns once when it goes down, and says when it is back', async () => {
    const { node, syncAt } = nodeWithOnePeer();
    await syncAt(0, UP);
    expect(await syncAt(2, DOWN)).toEqual([`warn: peer ${PEER} is down: ${DOWN.reason}`]);
    expect(await syncAt(4, DOWN)).toEqual([`debug: peer ${PEER} skipped: ${DOWN.reason}`]);
    expect(node.peerStatuses()).toEqual([
      expect.objectContaining({ reachable: false, downSince: 1_700_000_002, lastSeen: 1_700_000_000, nodeId: 'node2' }),
    ]);
    expect(await syncAt(9, UP)).toEqual([`info: peer ${PEER} is up again after 7 s`]);
    expect(node.peerStatuses()).toEqual([expect.objectContaining({ reachable: true, downSince: undefined, lastSeen: 1_700_000_009 })]);
    expect(await syncAt(11, DOWN)).toEqual([`warn: peer ${PEER} is down: ${DOWN.reason}`]);
  });
});

describe('PeerSet.record', () => {
  test('gives news only when a peer first answers, goes down, stays missing past the grace period, or comes back', () => {
    const peers = new PeerSet({ maxPeers: 64 });
    peers.admit([PEER], 'config', 0);
    const down = { answered: false, error: 'GET node2:5000/chain/tip: timeout after 2000 ms' };
    expect(peers.record(PEER, down, 100)).toBeUndefined();
    expect(peers.record(PEER, down, 100 + START_GRACE_SECONDS)).toEqual({ kind: 'missing', downSeconds: START_GRACE_SECONDS });
    expect(peers.record(PEER, down, 200)).toBeUndefined();
    expect(peers.record(PEER, { answered: true, length: 3 }, 210)).toEqual({ kind: 'reached' });
    // A bad answer is an answer: the peer is up, its error kept.
    expect(peers.record(PEER, { answered: true, error: 'GET node2:5000/chain/tip: HTTP 500' }, 212)).toBeUndefined();
    expect(peers.status(PEER)).toMatchObject({ reachable: true, lastError: 'GET node2:5000/chain/tip: HTTP 500', length: 3 });
    expect(peers.record(PEER, down, 214)).toEqual({ kind: 'lost' });
    expect(peers.record(PEER, { answered: true }, 220)).toEqual({ kind: 'back', downSeconds: 6 });
    expect(peers.record('other:1', down, 300)).toBeUndefined();
  });
});
