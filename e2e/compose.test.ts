// The project's own docker-compose.yml, brought up with `docker compose` beside any network a
// developer started by hand with `docker compose up`: a project name, an image tag and host ports of
// its own, so it neither collides with that network nor touches it.
import { ComposeProject, composeTestEnv } from './support/docker-cli.ts';
import { getJson, postJson, waitForOk } from './support/http.ts';
import { NODE_NAMES, NODE_PORT, otherNodes, peerAddress, type NodeUrls } from './support/nodes.ts';
import { playGossipNotebook } from './support/notebook.ts';

const SETUP_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 120_000;

describe('docker-compose.yml: three nodes peering through PEERS', () => {
  const project = new ComposeProject(`chainlab-e2e-${process.pid}`, 'docker-compose.yml', composeTestEnv());
  let urls: NodeUrls;

  /** Where each node listens on the host now: Docker picks new ports when the containers start again. */
  const readUrls = async (): Promise<NodeUrls> => {
    const [node1, node2, node3] = await Promise.all(
      NODE_NAMES.map(async (name) => `http://127.0.0.1:${await project.hostPort(name, NODE_PORT)}`),
    );
    return { node1: node1!, node2: node2!, node3: node3! };
  };

  beforeAll(async () => {
    await project.up();
    urls = await readUrls();
  }, SETUP_TIMEOUT_MS);

  // Runs even when `up` or a test failed: a half-started project must not keep its containers.
  afterAll(() => project.down(), TEST_TIMEOUT_MS);

  it(
    'starts each node knowing its two peers from PEERS',
    async () => {
      for (const name of NODE_NAMES) {
        // Registering no nodes changes nothing and answers with the peers already known.
        const reply = await postJson(`${urls[name]}/nodes/register`, { nodes: [] });
        expect(reply).toEqual({
          status: 201,
          body: { message: 'New nodes have been added', total_nodes: otherNodes(name).map(peerAddress) },
        });
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'has chainlab on the PATH of each container, asking the three services by default',
    async () => {
      const status = await project.exec('node2', 'chainlab', 'status', '--json');
      const nodes = (JSON.parse(status) as { node: string; health?: { node_id?: string } }[]).map((s) => [s.node, s.health?.node_id]);
      expect(nodes).toEqual(NODE_NAMES.map((name) => [`http://${name}:5000`, name]));
    },
    TEST_TIMEOUT_MS,
  );

  // The services gossip (the default): blocks and transactions spread without a resolve.
  it(
    'plays the notebook over the published ports, gossip carrying every block and transaction',
    async () => {
      await playGossipNotebook(urls);
    },
    TEST_TIMEOUT_MS,
  );

  // All three stop at once, so no peer holds the chain while they are down: what comes back was read
  // from each node's volume (DATA_DIR=/data).
  it(
    'keeps every chain in its volume across docker compose stop and start',
    async () => {
      const before = await Promise.all(NODE_NAMES.map(async (name) => (await getJson(`${urls[name]}/chain`)).body));
      expect(before[0]).toMatchObject({ length: 3 });
      await project.stop();
      await project.start();
      urls = await readUrls();
      await Promise.all(NODE_NAMES.map((name) => waitForOk(`${urls[name]}/health`, READY_TIMEOUT_MS)));
      const after = await Promise.all(NODE_NAMES.map(async (name) => (await getJson(`${urls[name]}/chain`)).body));
      expect(after).toEqual(before);
    },
    TEST_TIMEOUT_MS,
  );
});
