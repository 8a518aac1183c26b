// The lab, driven only through its routes, on three containers with LAB=on: a partition made by
// POST /lab/partition holds across many sync rounds (lengths 3, 3 and 2, two tips), a heal sent to
// the cut-off node reaches everyone and the network agrees with no acknowledged transaction lost;
// interval mining mines on its own; a network-wide reset takes every node back to genesis, and a
// snapshot restored on one node becomes the network's chain again.
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../test/support/eventually.ts';
import { gossipEnv, useGossipCluster } from './support/gossip-cluster.ts';
import { audit, CLEAN_AUDIT, ledgerOf, tipOf } from './support/ledger.ts';
import { NODE_NAMES, type NodeName } from './support/nodes.ts';

const TEST_TIMEOUT_MS = 180_000;
const CONVERGE_TIMEOUT_MS = 30_000;
/** Several of the cluster's sync rounds (SYNC_INTERVAL_MS=500): long enough for a partition that leaks to show it. */
const HOLD_MS = 3_000;

describe('the lab on a gossiping network', () => {
  const cluster = useGossipCluster((name) => ({ ...gossipEnv(name), LAB: 'on' }));
  const api = (name: NodeName) => cluster().api(name);
  const acked: string[] = [];

  async function transact(name: NodeName, id: string): Promise<void> {
    const reply = await api(name).post('/transactions/new', {
      sender: `lab-${name}`,
      recipient: 'lab-recipient',
      amount: acked.length + 1,
      id,
    });
    expect(reply.status).toBe(201);
    acked.push(id);
  }

  async function mine(name: NodeName): Promise<void> {
    expect((await api(name).get('/mine')).status).toBe(200);
  }

  async function lengths(): Promise<number[]> {
    return Promise.all(NODE_NAMES.map(async (name) => (await tipOf(api(name))).length));
  }

  async function expectAgreement(length?: number): Promise<void> {
    await eventually(
      async () => {
        const tips = await Promise.all(NODE_NAMES.map((name) => tipOf(api(name))));
        for (const tip of tips) expect(tip).toEqual(tips[0]);
        if (length !== undefined) expect(tips[0]!.length).toBe(length);
      },
      { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 200 },
    );
  }

  it(
    'splits the network from its API, keeps the fork up, and heals it from the cut-off node',
    () =>
      cluster().explain(async () => {
        await expectAgreement(1);
        const groups = [['node1', 'node2'], ['node3']];
        expect((await api('node1').post('/lab/partition', { groups })).status).toBe(200);
        for (const name of NODE_NAMES) expect((await api(name).get('/lab')).body).toMatchObject({ groups });

        await transact('node1', 'major-1');
        await mine('node1');
        await transact('node2', 'major-2');
        await mine('node1');
        await transact('node3', 'minor-1');
        await mine('node3');
        await transact('node3', 'minor-2');
        await eventually(async () => expect(await lengths()).toEqual([3, 3, 2]), { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 200 });
        await sleep(HOLD_MS);
        expect(await lengths()).toEqual([3, 3, 2]);
        expect((await tipOf(api('node3'))).tip_hash).not.toBe((await tipOf(api('node1'))).tip_hash);

        expect((await api('node3').post('/lab/heal', {})).status).toBe(200);
        for (const name of NODE_NAMES) expect((await api(name).get('/lab')).body).toMatchObject({ groups: null });
        await expectAgreement(3);
        await eventually(
          async () => {
            for (const name of NODE_NAMES) expect({ [name]: audit(acked, await ledgerOf(api(name))) }).toEqual({ [name]: CLEAN_AUDIT });
          },
          { timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 500 },
        );
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'mines on its own in interval mode, and stops when switched back',
    () =>
      cluster().explain(async () => {
        const before = (await tipOf(api('node2'))).length;
        expect((await api('node2').post('/lab/mining', { mode: 'interval', seconds: 1 })).status).toBe(200);
        await eventually(async () => expect((await tipOf(api('node2'))).length).toBeGreaterThanOrEqual(before + 2), {
          timeoutMs: CONVERGE_TIMEOUT_MS,
          intervalMs: 200,
        });
        expect((await api('node2').post('/lab/mining', { mode: 'manual' })).status).toBe(200);
        await expectAgreement();
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'resets the whole network to genesis, and a snapshot restored on one node becomes everyone’s chain',
    () =>
      cluster().explain(async () => {
        await expectAgreement();
        // As the node wrote it: JSON.parse and JSON.stringify would turn the genesis block's
        // timestamp 1506988800.0 into 1506988800, another block with another hash.
        const snapshot = await api('node1').getText('/lab/snapshot');
        expect(snapshot.status).toBe(200);
        const { length, chain } = JSON.parse(snapshot.text) as { length: number; chain: unknown[] };
        expect(length).toBeGreaterThan(1);

        expect((await api('node2').post('/lab/reset', {})).status).toBe(200);
        await expectAgreement(1);
        for (const name of NODE_NAMES) expect((await ledgerOf(api(name))).pending).toEqual([]);

        expect((await api('node3').postText('/lab/restore', snapshot.text)).status).toBe(200);
        await expectAgreement(length);
        expect((await ledgerOf(api('node1'))).chain).toEqual(chain);
      }),
    TEST_TIMEOUT_MS,
  );
});
