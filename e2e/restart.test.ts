// A node killed with SIGKILL in the middle of a stream of transactions and blocks loses nothing it
// acknowledged (DATA_DIR=/data in the container's own filesystem) and catches up with the others.
// To tell what it kept on disk from what its peers could give back, it is started again cut off
// from the network first, and connected only once its own state has been checked.
import { eventually } from './support/eventually.ts';
import { useGossipCluster } from './support/gossip-cluster.ts';
import { audit, CLEAN_AUDIT, ledgerOf, tipOf, verdictOnChain, type Ledger } from './support/ledger.ts';
import { mineRepeatedly, sleep, streamTransactions, type Acknowledged } from './support/load.ts';
import { NODE_NAMES, type NodeName } from './support/nodes.ts';

const TEST_TIMEOUT_MS = 180_000;
const CONVERGE_TIMEOUT_MS = 30_000;
/** Each request of the load is short-lived: a killed node must not hold up the stream for a minute. */
const LOAD_REQUEST_TIMEOUT_MS = 3_000;

describe('a gossiping node killed with SIGKILL under load', () => {
  const cluster = useGossipCluster();
  const api = (name: NodeName) => cluster().api(name);


  it('comes back with every transaction it acknowledged, then catches up with node1', () =>
    cluster().explain(async () => {
      const acked: Acknowledged[] = [];
      const loadApi = (name: NodeName) => () => cluster().api(name, LOAD_REQUEST_TIMEOUT_MS);
      const streams = NODE_NAMES.map((name) => streamTransactions(name, loadApi(name), acked));
      const miners = [mineRepeatedly(loadApi('node3'), 250), mineRepeatedly(loadApi('node1'), 400)];

      await sleep(2_000);
      await cluster().kill('node3');
      await sleep(1_000);
      const [node1Stream, node2Stream, node3Stream] = await Promise.all(streams.map((stream) => stream.stop()));
      const [node3Mining] = await Promise.all(miners.map((miner) => miner.stop()));
      const ackedByNode3 = acked.filter((ack) => ack.node === 'node3').map((ack) => ack.id);
      console.log(
        `restart: ${acked.length} transactions acknowledged, ${ackedByNode3.length} of them by node3 (killed mid-stream); ` +
          `posts refused or failed: node1 ${node1Stream!.failed}, node2 ${node2Stream!.failed}, node3 ${node3Stream!.failed}; blocks mined on node3: ${node3Mining!.succeeded}`,
      );
      expect(ackedByNode3.length).toBeGreaterThan(0);
      expect(node3Mining!.succeeded).toBeGreaterThan(0);

      // node1 ends strictly ahead of anything node3 could hold, so the network has one longest chain.
      for (let i = 0; i < 2; i++) expect((await api('node1').get('/mine')).status).toBe(200);

      // Alone, node3 has only its disk: a valid chain, and every transaction it acknowledged in it or pending.
      await cluster().disconnect('node3');
      await cluster().startAgain('node3');
      expect(await verdictOnChain(api('node3'))).toMatchObject({ ok: true });
      expect(audit(ackedByNode3, await ledgerOf(api('node3')))).toEqual(CLEAN_AUDIT);

      await cluster().reconnect('node3');
      const node1Tip = await tipOf(api('node1'));
      await eventually(async () => {
        for (const name of NODE_NAMES) expect(await tipOf(api(name))).toEqual(node1Tip);
      }, CONVERGE_TIMEOUT_MS, 200);
      expect((await ledgerOf(api('node3'))).chain).toEqual((await ledgerOf(api('node1'))).chain);

      // Across the network, every acknowledged transaction is in the chain once or pending somewhere.
      const ids = acked.map((ack) => ack.id);
      await eventually(async () => expect(audit(ids, await networkLedger())).toEqual(CLEAN_AUDIT), CONVERGE_TIMEOUT_MS, 500);

      // Mined, every pool empties into the chain: each acknowledged transaction in it exactly once.
      for (const name of NODE_NAMES) {
        if ((await ledgerOf(api(name))).pending.length === 0) continue;
        expect((await api(name).get('/mine')).status).toBe(200);
        await converged();
      }
      const final = await networkLedger();
      expect(final.pending).toEqual([]);
      expect(audit(ids, final)).toEqual(CLEAN_AUDIT);
    }),
  TEST_TIMEOUT_MS);

  /** node1's chain, once all three agree on it, with every node's pending transactions. */
  async function networkLedger(): Promise<Ledger> {
    const ledgers = await Promise.all(NODE_NAMES.map((name) => ledgerOf(api(name))));
    for (const ledger of ledgers) expect(ledger.chain).toEqual(ledgers[0]!.chain);
    return { chain: ledgers[0]!.chain, pending: ledgers.flatMap((ledger) => ledger.pending) };
  }

  async function converged(): Promise<void> {
    await eventually(async () => {
      const tips = await Promise.all(NODE_NAMES.map((name) => tipOf(api(name))));
      expect(new Set(tips.map((tip) => tip.tip_hash)).size).toBe(1);
    }, CONVERGE_TIMEOUT_MS, 200);
  }
});
