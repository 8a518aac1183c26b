// A node among byzantine peers: one container serves, one misbehaviour per port, chains longer than
// the node's that are wrong (a changed transaction, a broken link, a bad proof), garbage instead of
// JSON, a body that never finishes, and no answer at all. Resolving, the node skips each with a
// reason that says what was wrong, within its peer timeout, stays healthy and keeps its chain; its
// periodic sync meets the same peers every 500 ms and fares no worse.
import { Network } from 'testcontainers';
import type { ChainRules } from '../src/chain/rules.ts';
import { validChain } from '../src/chain/validate.ts';
import { eventually } from '../test/support/eventually.ts';
import { BYZANTINE_HOST, badPeers, startByzantinePeers } from './support/byzantine-peer.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { tipOf } from './support/ledger.ts';
import { httpApi, type NodeApi } from './support/node-api.ts';
import { buildNodeImage, startNodeContainer } from './support/node-containers.ts';
import { NODE_PORT } from './support/nodes.ts';

const SETUP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 120_000;
const PEER_TIMEOUT_MS = 1000;
/** A generous bound on a resolve that must give up on every bad peer after PEER_TIMEOUT_MS. */
const RESOLVE_BOUND_MS = 5_000;
/** The stock image the fake peers run in: no chainlab code in it. */
const FAKE_PEER_IMAGE = 'node:24-bookworm-slim';

const PEERS = badPeers(6, 7001);
/** What each bad peer's reason must mention, in PEERS' order. */
// The last three fail the exchange itself: their reasons name the request, as every peer failure does.
const EXPECTED_REASONS = [
  /previous_hash/,
  /previous_hash/,
  /proof/,
  // These three never gave a valid answer: what went wrong (invalid JSON, a timeout) is for the
  // node's log only, or registering any host:port and reading the reason would scan its ports.
  /^GET \S+\/chain\/tip: no valid answer yet$/,
  /^GET \S+\/chain\/tip: no valid answer yet$/,
  /^GET \S+\/chain\/tip: no valid answer yet$/,
];
const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 };

describe('a node among byzantine peers', () => {
  const resources = disposeAfterAll(TEST_TIMEOUT_MS);
  let api: NodeApi;

  beforeAll(async () => {
    const image = await buildNodeImage();
    const network = resources.use(await new Network().start());
    const [, victim] = await Promise.all([
      startByzantinePeers(FAKE_PEER_IMAGE, network, PEERS).then((fakes) => resources.use(fakes)),
      startNodeContainer(image, network, 'victim', {
        NODE_ID: 'victim',
        ADVERTISE_ADDRESS: `victim:${NODE_PORT}`,
        PEER_TIMEOUT_MS: String(PEER_TIMEOUT_MS),
        SYNC_INTERVAL_MS: '500',
        LOG_LEVEL: 'warn',
      }).then((victim) => resources.use(victim)),
    ]);
    api = httpApi(`http://${victim.getHost()}:${victim.getMappedPort(NODE_PORT)}`);
  }, SETUP_TIMEOUT_MS);

  it('the bad chains are bad for the reason each test expects, by the chain core itself', () => {
    PEERS.slice(0, 3).forEach((peer, i) => {
      const verdict = validChain(peer.chain, RULES);
      expect({ peer: peer.name, verdict }).toEqual({
        peer: peer.name,
        verdict: { ok: false, reason: expect.stringMatching(EXPECTED_REASONS[i]!) },
      });
      expect(peer.chain.length).toBe(6);
    });
    for (const peer of PEERS.slice(3)) expect(validChain(peer.chain, RULES)).toMatchObject({ ok: true });
  });

  it(
    'skips each bad peer with a reason, within the peer timeout, and keeps its chain',
    async () => {
      expect((await api.get('/mine')).status).toBe(200);
      const before = await api.get('/chain');
      expect(before.body).toMatchObject({ length: 2 }); // shorter than every bad chain, so each is worth a look

      const addresses = PEERS.map((peer) => `${BYZANTINE_HOST}:${peer.port}`);
      const registered = await api.post('/nodes/register', { nodes: addresses.map((address) => `http://${address}`) });
      expect(registered).toMatchObject({ status: 201, body: { total_nodes: addresses } });

      const started = performance.now();
      const resolved = await api.get('/nodes/resolve');
      const elapsedMs = performance.now() - started;
      console.log(
        `byzantine: /nodes/resolve over ${PEERS.length} bad peers took ${Math.round(elapsedMs)} ms (PEER_TIMEOUT_MS=${PEER_TIMEOUT_MS})`,
      );

      expect(resolved).toEqual({
        status: 200,
        body: { message: 'Our chain is authoritative', chain: (before.body as { chain: unknown }).chain, skipped: expect.any(Array) },
      });
      const { skipped } = resolved.body as { skipped: { node: string; reason: string }[] };
      const byPeer = Object.fromEntries(skipped.map(({ node, reason }) => [node, reason]));
      expect(Object.keys(byPeer).sort()).toEqual([...addresses].sort());
      PEERS.forEach((peer, i) => {
        // Named, so a failure says which misbehaviour got the wrong reason.
        expect({ [peer.name]: byPeer[addresses[i]!] }).toEqual({ [peer.name]: expect.stringMatching(EXPECTED_REASONS[i]!) });
      });
      expect(elapsedMs).toBeLessThan(RESOLVE_BOUND_MS);

      expect((await api.get('/health')).status).toBe(200);
      expect(await api.get('/chain')).toEqual(before);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stays healthy and keeps its chain while its periodic sync meets them, and still mines',
    async () => {
      const tip = await tipOf(api);
      const before = await peerFailures(api);
      // Three more sync rounds, each of which met every bad peer and skipped it.
      await eventually(
        async () => {
          const now = await peerFailures(api);
          const skips = (address: string) => (now.get(address) ?? 0) - (before.get(address) ?? 0);
          const lagging = PEERS.map((peer) => ({ peer: peer.name, skipped: skips(`${BYZANTINE_HOST}:${peer.port}`) })).filter(
            ({ skipped }) => skipped < 3,
          );
          expect(lagging).toEqual([]);
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'the periodic sync to meet every bad peer' },
      );
      expect(await tipOf(api)).toEqual(tip);

      // Still serving promptly: a resolve is still bounded, and a block is still mined on our own chain.
      const started = performance.now();
      expect((await api.get('/nodes/resolve')).body).toMatchObject({ message: 'Our chain is authoritative' });
      expect(performance.now() - started).toBeLessThan(RESOLVE_BOUND_MS);
      const mined = await api.get('/mine');
      expect(mined).toMatchObject({ status: 200, body: { index: tip.length + 1 } });
      await eventually(async () => expect((await tipOf(api)).length).toBe(tip.length + 1), { timeoutMs: 5_000, intervalMs: 100 });
    },
    TEST_TIMEOUT_MS,
  );
});

/** chainlab_peer_failures_total by peer, from the node's GET /metrics. */
async function peerFailures(api: NodeApi): Promise<Map<string, number>> {
  const { status, text } = await api.getText('/metrics');
  if (status !== 200) throw new Error(`GET /metrics answered ${status}`);
  const samples = text.matchAll(/^chainlab_peer_failures_total\{peer="([^"]+)"\} (\d+)$/gm);
  return new Map([...samples].map(([, peer, count]) => [peer!, Number(count)]));
}
