// A network partition and its healing: node3 is cut off from node1 and node2 (docker network
// disconnect), both sides take transactions and mine, node1's side mines more. Once node3 is
// connected again, all three hold the longer side's chain, and every acknowledged transaction,
// from either side, is in that chain once or pending, on every node.
import { eventually } from '../test/support/eventually.ts';
import { useGossipCluster } from './support/gossip-cluster.ts';
import { audit, CLEAN_AUDIT, ledgerOf, tipOf } from './support/ledger.ts';
import { NODE_NAMES, type NodeName } from './support/nodes.ts';

const TEST_TIMEOUT_MS = 180_000;
const CONVERGE_TIMEOUT_MS = 30_000;

describe('a gossiping network split in two, then healed', () => {
  const cluster = useGossipCluster();
  const api = (name: NodeName) => cluster().api(name);
  const acked: string[] = [];

  /** Posts a transaction with an id of the test's choosing; the node must answer 201 and echo it. */
  async function transact(name: NodeName, id: string): Promise<void> {
    const reply = await api(name).post('/transactions/new', {
      sender: `partition-${name}`,
      recipient: 'partition-recipient',
      amount: acked.length + 1,
      id,
    });
    expect(reply).toEqual({ status: 201, body: { message: expect.stringMatching(/^Transaction will be added to Block \d+$/), id } });
    acked.push(id);
  }

  async function mine(name: NodeName): Promise<void> {
    expect((await api(name).get('/mine')).status).toBe(200);
  }

  async function expectAllOn(tip: { length: number; tip_hash: string }): Promise<void> {
    await eventually(
      async () => {
        for (const name of NODE_NAMES) expect(await tipOf(api(name))).toEqual(tip);
      },
      { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 200 },
    );
  }

  it(
    "converges on the longer side's chain, losing and doubling no transaction",
    () =>
      cluster().explain(async () => {
        await mine('node1');
        const start = await tipOf(api('node1'));
        await expectAllOn(start);

        await cluster().disconnect('node3');
        // node1's side: two blocks, transactions in them and after them.
        await transact('node1', 'major-1');
        await transact('node2', 'major-2');
        await mine('node1');
        await transact('node2', 'major-3');
        await transact('node1', 'major-4');
        await mine('node1');
        await transact('node2', 'major-5');
        // node3's side: one block, a transaction in it and one after it.
        await transact('node3', 'minor-1');
        await transact('node3', 'minor-2');
        await mine('node3');
        await transact('node3', 'minor-3');

        const longer = await tipOf(api('node1'));
        expect(longer.length).toBe(start.length + 2);
        await eventually(async () => expect(await tipOf(api('node2'))).toEqual(longer), {
          timeoutMs: CONVERGE_TIMEOUT_MS,
          intervalMs: 200,
        });
        const shorter = await tipOf(api('node3'));
        expect(shorter.length).toBe(start.length + 1);

        await cluster().reconnect('node3');
        await expectAllOn(longer);
        await eventually(
          async () => {
            for (const name of NODE_NAMES) expect({ [name]: audit(acked, await ledgerOf(api(name))) }).toEqual({ [name]: CLEAN_AUDIT });
          },
          { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 500 },
        );
        console.log(
          `partition: ${acked.length} transactions acknowledged (${acked.filter((id) => id.startsWith('minor')).length} on the cut-off side), none missing or doubled on any node`,
        );

        // One block on node2 now takes every one of them, each exactly once, and every pool empties.
        await mine('node2');
        await eventually(
          async () => {
            const ledgers = await Promise.all(NODE_NAMES.map((name) => ledgerOf(api(name))));
            for (const ledger of ledgers) {
              expect(ledger.chain).toEqual(ledgers[1]!.chain);
              expect(ledger.pending).toEqual([]);
              expect(audit(acked, ledger)).toEqual(CLEAN_AUDIT);
            }
          },
          { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 500 },
        );
      }),
    TEST_TIMEOUT_MS,
  );
});
