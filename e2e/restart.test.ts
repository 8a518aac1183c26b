// A node killed with SIGKILL in the middle of a stream of transactions and blocks loses nothing it
// acknowledged (DATA_DIR=/data in the container's own filesystem) and catches up with the others.
// To tell what it kept on disk from what its peers could give back, it is started again cut off
// from the network first, and connected only once its own state has been checked.
import { eventually } from '../test/support/eventually.ts';
import { useGossipCluster } from './support/gossip-cluster.ts';
import { audit, CLEAN_AUDIT, ledgerOf, tipOf, verdictOnChain, type Ledger } from './support/ledger.ts';
import { mineRepeatedly, streamTransactions, type Acknowledged } from './support/load.ts';
import { NODE_NAMES, type NodeName } from './support/nodes.ts';

const TEST_TIMEOUT_MS = 180_000;
const CONVERGE_TIMEOUT_MS = 30_000;
/** Each request of the load is short-lived: a killed node must not hold up the stream for a minute. */
const LOAD_REQUEST_TIMEOUT_MS = 3_000;
/** Transactions node3 takes under load before it is killed, and node1 and node2 each take after. */
const TRANSACTIONS_PER_PHASE = 20;

describe('a gossiping node killed with SIGKILL under load', () => {
  const cluster = useGossipCluster();
  const api = (name: NodeName) => cluster().api(name);

  it(
    'comes back with every transaction it acknowledged, then catches up with node1',
    () =>
      cluster().explain(async () => {
        const acked: Acknowledged[] = [];
        const loadApi = (name: NodeName) => () => cluster().api(name, LOAD_REQUEST_TIMEOUT_MS);
        const streams = NODE_NAMES.map((name) => streamTransactions(name, loadApi(name), acked));
        const miners = [mineRepeatedly(loadApi('node3'), 250), mineRepeatedly(loadApi('node1'), 400)];
        const ackedBy = (node: NodeName, since = 0) => acked.slice(since).filter((ack) => ack.node === node).length;

        // Killed mid-stream: once node3 has acknowledged transactions and mined blocks of its own.
        await eventually(() => ackedBy('node3') >= TRANSACTIONS_PER_PHASE && miners[0]!.counts.succeeded >= 2, {
          timeoutMs: CONVERGE_TIMEOUT_MS,
          what: 'node3 to take transactions and mine under load',
        });
        const atKill = acked.length;
        await cluster().kill('node3');
        // The load goes on while node3 is down: its requests fail, the other two take transactions it must catch up on.
        await eventually(
          () =>
            streams[2]!.counts.failed > 0 &&
            ackedBy('node1', atKill) >= TRANSACTIONS_PER_PHASE &&
            ackedBy('node2', atKill) >= TRANSACTIONS_PER_PHASE,
          {
            timeoutMs: CONVERGE_TIMEOUT_MS,
            what: 'node1 and node2 to take transactions while node3 is down',
          },
        );
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
        expect(await verdictOnChain(api('node3'), { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 })).toMatchObject({
          ok: true,
        });
        expect(audit(ackedByNode3, await ledgerOf(api('node3')))).toEqual(CLEAN_AUDIT);

        await cluster().reconnect('node3');
        const node1Tip = await tipOf(api('node1'));
        await eventually(
          async () => {
            for (const name of NODE_NAMES) expect(await tipOf(api(name))).toEqual(node1Tip);
          },
          { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 200 },
        );
        expect((await ledgerOf(api('node3'))).chain).toEqual((await ledgerOf(api('node1'))).chain);

        // Across the network, every acknowledged transaction is in the chain once or pending somewhere.
        const ids = acked.map((ack) => ack.id);
        await eventually(async () => expect(audit(ids, await networkLedger())).toEqual(CLEAN_AUDIT), {
          timeoutMs: CONVERGE_TIMEOUT_MS,
          intervalMs: 500,
        });

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
    TEST_TIMEOUT_MS,
  );

  /** node1's chain, once all three agree on it, with every node's pending transactions. */
  async function networkLedger(): Promise<Ledger> {
    const ledgers = await Promise.all(NODE_NAMES.map((name) => ledgerOf(api(name))));
    for (const ledger of ledgers) expect(ledger.chain).toEqual(ledgers[0]!.chain);
    return { chain: ledgers[0]!.chain, pending: ledgers.flatMap((ledger) => ledger.pending) };
  }

  async function converged(): Promise<void> {
    await eventually(
      async () => {
        const tips = await Promise.all(NODE_NAMES.map((name) => tipOf(api(name))));
        expect(new Set(tips.map((tip) => tip.tip_hash)).size).toBe(1);
      },
      { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 200 },
    );
  }
});
