// Three gossiping nodes (Testcontainers, one Docker network) converge by themselves: nobody calls
// /nodes/resolve. A mined block reaches every chain, a transaction every pending pool, and a
// transaction mined once is in the chain once. A fourth node told of only one peer introduces
// itself, and that peer adds it.
import { eventually } from '../test/support/eventually.ts';
import { faultTestEnv, useGossipCluster } from './support/gossip-cluster.ts';
import { idsInChain, ledgerOf, tipOf } from './support/ledger.ts';
import { httpApi } from './support/node-api.ts';
import { NODE_IMAGE, startNodeContainer } from './support/node-containers.ts';
import { NODE_NAMES, NODE_PORT, type NodeName } from './support/nodes.ts';
import { assignedId, type Block } from './support/notebook.ts';

const TEST_TIMEOUT_MS = 120_000;
/** The goal is under a second (the bench measures it); a test only checks that it happens. */
const GOSSIP_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

describe('three gossiping nodes converge without /nodes/resolve', () => {
  const cluster = useGossipCluster();
  const api = (name: NodeName) => cluster().api(name);
  /** A failing test's error carries the end of each node's log. */
  const explained = (test: () => Promise<void>) => () => cluster().explain(test);

  it(
    'a block mined on node1 reaches node2 and node3',
    explained(async () => {
      const mined = await api('node1').get('/mine');
      expect(mined).toMatchObject({ status: 200, body: { message: 'New Block Forged', index: 2 } });
      const tip = await tipOf(api('node1'));
      await eventually(
        async () => {
          for (const name of NODE_NAMES) expect(await tipOf(api(name))).toEqual(tip);
        },
        { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: POLL_MS },
      );
    }),
    TEST_TIMEOUT_MS,
  );

  it(
    "a transaction posted to node2 reaches node1's and node3's pools, and once mined is in the chain once",
    explained(async () => {
      const transaction = { sender: 'gossip-sender', recipient: 'gossip-recipient', amount: 7 };
      const posted = await api('node2').post('/transactions/new', transaction);
      expect(posted).toEqual({
        status: 201,
        body: { message: expect.stringMatching(/^Transaction will be added to Block \d+$/), id: assignedId() },
      });
      const { id } = posted.body as { id: string };

      await eventually(
        async () => {
          for (const name of NODE_NAMES) expect((await ledgerOf(api(name))).pending).toEqual([{ ...transaction, id }]);
        },
        { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: POLL_MS },
      );

      // node3 never saw the POST: it mines what gossip brought it.
      const mined = await api('node3').get('/mine');
      expect(mined.status).toBe(200);
      expect((mined.body as Block).transactions).toEqual([
        { ...transaction, id },
        { sender: '0', recipient: 'node3', amount: 1 },
      ]);

      await eventually(
        async () => {
          const ledgers = await Promise.all(NODE_NAMES.map((name) => ledgerOf(api(name))));
          for (const ledger of ledgers) {
            expect(ledger.chain).toEqual(ledgers[2]!.chain);
            expect(ledger.pending).toEqual([]);
          }
          expect(ledgers[0]!.chain).toHaveLength(3);
          expect(idsInChain(ledgers[0]!.chain).get(id)).toBe(1);
        },
        { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: POLL_MS },
      );
    }),
    TEST_TIMEOUT_MS,
  );

  it(
    'a node that knows only node1 introduces itself: node1 adds it, and it catches up by itself',
    explained(async () => {
      await using node4 = await startNodeContainer(NODE_IMAGE, cluster().network, 'node4', faultTestEnv('node4', ['node1:5000']));
      const node4Api = httpApi(`http://${node4.getHost()}:${node4.getMappedPort(NODE_PORT)}`);
      const tip = await tipOf(api('node1'));
      await eventually(
        async () => {
          const peers = (await api('node1').get('/health')).body as { peers: string[] };
          expect(peers.peers).toContain('node4:5000');
          expect(await tipOf(node4Api)).toEqual(tip);
        },
        { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: POLL_MS },
      );

      // And node1 tells it of blocks from now on.
      await api('node1').get('/mine');
      const next = await tipOf(api('node1'));
      await eventually(async () => expect(await tipOf(node4Api)).toEqual(next), { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: POLL_MS });
    }),
    TEST_TIMEOUT_MS,
  );
});
