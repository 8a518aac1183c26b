// Items 4 and 5 of issue 11 and its "also": the peers a client can add are bounded in count and in
// rate, all of a request or none; and what a client reads of a peer that never answered validly
// says nothing of what listens at its address (else /nodes is a port scanner).
import { ADMISSIONS_PER_SECOND, PeerSet, START_GRACE_SECONDS } from '../../src/peers/peer-set.ts';
import { capturingLogger } from '../support/apps.ts';
import { buildChain } from '../support/chains.ts';
import { loopbackSpellings, peerWorld } from './peer-world.ts';

const T0 = 1_700_000_000;
const addressesFrom = (first: number, count: number) =>
  Array.from({ length: count }, (_, i) => `10.1.${Math.floor((first + i) / 250)}.${((first + i) % 250) + 1}:5000`);
const DOWN = { answered: false, error: 'GET x/chain/tip: unreachable (connect ECONNREFUSED)' };

describe('how many peers a client can add', () => {
  test('800 spellings of one address are one peer', () => {
    const peers = new PeerSet({ maxPeers: 64 });
    const spellings = loopbackSpellings(800);
    for (let i = 0; i < spellings.length; i += 50)
      expect(peers.admit(spellings.slice(i, i + 50), 'client', T0)).toMatchObject({ ok: true });
    expect(peers.list()).toEqual(['127.0.0.1:5000']);
  });

  test('a full set refuses new peers, all of a request or none', () => {
    const peers = new PeerSet({ maxPeers: 4 });
    expect(peers.admit(addressesFrom(0, 3), 'client', T0)).toMatchObject({ ok: true, added: addressesFrom(0, 3) });
    expect(peers.admit(addressesFrom(2, 3), 'client', T0)).toEqual({
      ok: false,
      refusal: 'full',
      reason: expect.stringMatching(/3 of its 4 peers/),
    });
    expect(peers.list()).toEqual(addressesFrom(0, 3));
    expect(peers.admit(addressesFrom(0, 4), 'client', T0)).toMatchObject({ ok: true, added: addressesFrom(3, 1) });
    expect(peers.admit([...addressesFrom(0, 3), 'bad:0'], 'client', T0)).toMatchObject({ ok: false, refusal: 'address', index: 3 });
    expect(peers.admit(addressesFrom(0, 5), 'client', T0)).toMatchObject({ ok: false, refusal: 'too-many' });
  });

  test('a new peer takes the place of the longest silent, never of one named in PEERS or one that answers', () => {
    const peers = new PeerSet({ maxPeers: 4 });
    peers.admit(['configured:5000'], 'config', T0);
    peers.admit(['answering:5000', 'silent-first:5000', 'silent-next:5000'], 'client', T0);
    peers.record('answering:5000', { answered: true, length: 1 }, T0);
    peers.record('configured:5000', DOWN, T0);
    peers.record('silent-first:5000', DOWN, T0);
    // A peer that answers, but never validly (another service on that port), is silent too.
    peers.record('silent-next:5000', { answered: true, error: 'GET silent-next:5000/chain/tip: HTTP 404' }, T0 + 1);
    expect(peers.admit(['new:5000'], 'client', T0 + START_GRACE_SECONDS - 1)).toMatchObject({ ok: false, refusal: 'full' });

    const later = T0 + START_GRACE_SECONDS + 1;
    expect(peers.admit(['new:5000'], 'client', later)).toEqual({
      ok: true,
      added: ['new:5000'],
      self: [],
      replaced: [{ peer: 'silent-first:5000', silentSeconds: START_GRACE_SECONDS + 1 }],
    });
    expect(peers.admit(['newer:5000'], 'client', later)).toMatchObject({ ok: true, replaced: [{ peer: 'silent-next:5000' }] });
    expect(peers.admit(['newest:5000'], 'client', later)).toMatchObject({ ok: false, refusal: 'full' });
    expect(peers.list()).toEqual(['configured:5000', 'answering:5000', 'new:5000', 'newer:5000']);
  });

  test('PEERS are taken even beyond the cap: the operator named them', () => {
    const peers = new PeerSet({ maxPeers: 2 });
    peers.admit(addressesFrom(0, 2), 'client', T0);
    expect(peers.admit(['node2:5000', 'node3:5000'], 'config', T0)).toMatchObject({ ok: true, added: ['node2:5000', 'node3:5000'] });
    expect(peers.list()).toHaveLength(4);
  });

  test('after a burst of maxPeers, clients add a few peers a second', () => {
    const peers = new PeerSet({ maxPeers: 64 });
    expect(peers.admit(addressesFrom(0, 64), 'client', T0)).toMatchObject({ ok: true });
    for (const address of addressesFrom(0, 64)) peers.remove(address);
    expect(peers.admit(addressesFrom(100, 1), 'client', T0)).toMatchObject({ ok: false, refusal: 'rate' });
    expect(peers.admit(addressesFrom(100, ADMISSIONS_PER_SECOND + 1), 'client', T0 + 1)).toMatchObject({ ok: false, refusal: 'rate' });
    expect(peers.admit(addressesFrom(100, ADMISSIONS_PER_SECOND), 'client', T0 + 1)).toMatchObject({ ok: true });
    // What the operator names is not the clients' allowance.
    expect(peers.admit(['node2:5000'], 'config', T0 + 1)).toMatchObject({ ok: true, added: ['node2:5000'] });
    expect(peers.list()).toHaveLength(ADMISSIONS_PER_SECOND + 1);
  });

  test('21,000 distinct addresses never grow the set past maxPeers, and a sync asks at most maxPeers', async () => {
    const maxPeers = 32;
    const { node, asked, clock } = peerWorld({ maxPeers });
    let registered = 0;
    for (let first = 0; first < 21_000; first += maxPeers) {
      const outcome = node.registerPeers(addressesFrom(first, maxPeers), 'client');
      if (outcome.ok) registered += maxPeers;
      expect(node.peers.length).toBeLessThanOrEqual(maxPeers);
      clock.now += 1;
      if (first % (maxPeers * 8) === 0) {
        asked.length = 0;
        await node.sync();
        expect(asked.length).toBeLessThanOrEqual(maxPeers);
      }
    }
    // The churn is bounded too: a burst, then the rate.
    expect(registered).toBeLessThanOrEqual(maxPeers + ADMISSIONS_PER_SECOND * (clock.now - T0));
  });
});

describe('what a client reads of a peer', () => {
  const failures = {
    refused: { answered: false, error: 'GET p:1/chain/tip: unreachable (connect ECONNREFUSED 10.0.0.9:1)' },
    filtered: { answered: false, error: 'GET p:1/chain/tip: timeout after 2000 ms' },
    'another service': { answered: true, error: 'GET p:1/chain/tip: HTTP 404' },
    'not JSON': { answered: true, error: 'GET p:1/chain/tip: invalid JSON: Expecting value' },
  };

  test('is the same however a peer that never answered validly failed; the exact reason is the log`s', () => {
    const shown = Object.entries(failures).map(([, exchange]) => {
      const peers = new PeerSet({ maxPeers: 4 });
      peers.admit(['p:1'], 'client', T0);
      peers.record('p:1', exchange, T0 + 5);
      expect(peers.lastReason('p:1')).toBe(exchange.error);
      return { status: peers.status('p:1'), statuses: peers.statuses(), reason: peers.shownReason('p:1', exchange.error) };
    });
    expect(shown[0]).toEqual({
      status: {
        node: 'p:1',
        reachable: false,
        lastSeen: undefined,
        length: undefined,
        lastError: 'GET p:1/chain/tip: no valid answer yet',
        nodeId: undefined,
        downSince: T0 + 5,
      },
      statuses: [shown[0]!.status],
      reason: 'GET p:1/chain/tip: no valid answer yet',
    });
    for (const other of shown.slice(1)) expect(other).toEqual(shown[0]);
  });

  test('is exact once the peer has answered validly', () => {
    const peers = new PeerSet({ maxPeers: 4 });
    peers.admit(['p:1'], 'client', T0);
    peers.record('p:1', { answered: true, length: 2 }, T0);
    peers.record('p:1', failures.filtered, T0 + 1);
    expect(peers.status('p:1')).toMatchObject({
      reachable: false,
      lastSeen: T0,
      length: 2,
      lastError: failures.filtered.error,
      downSince: T0 + 1,
    });
    expect(peers.shownReason('p:1', failures.filtered.error)).toBe(failures.filtered.error);
  });

  test('a resolve and its events give the generic reason until then, and the log the exact one', async () => {
    const { log, lines } = capturingLogger('debug');
    const { node, standIns } = peerWorld({ log });
    node.registerPeers(['silent:5000', 'honest:5000'], 'client');
    standIns.set('honest:5000', { nodeId: 'honest', chain: buildChain(2) });
    const events: unknown[] = [];
    node.events.on('peerFailure', (failure) => events.push(failure));
    const { skipped } = await node.sync();
    const generic = { node: 'silent:5000', reason: 'GET silent:5000/chain/tip: no valid answer yet' };
    expect(skipped).toEqual([generic]);
    expect(events).toEqual([generic]);
    expect(lines).toContainEqual(expect.objectContaining({ peer: 'silent:5000', reason: expect.stringMatching(/ECONNREFUSED/) }));

    standIns.delete('honest:5000'); // answered once: from now on its reasons are shown as they are
    expect((await node.sync()).skipped).toEqual([generic, { node: 'honest:5000', reason: expect.stringMatching(/ECONNREFUSED/) }]);
  });
});
