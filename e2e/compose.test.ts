// The project's own docker-compose.yml, brought up with the `docker compose` CLI (v1 or v2).
// It publishes the fixed host ports 5000-5002: stop any network started by hand before running it.
import { ComposeProject } from './support/docker-cli.ts';
import { getJson, postJson, waitForOk } from './support/http.ts';
import { NODE_NAMES, otherNodes, peerAddress, type NodeUrls } from './support/nodes.ts';
import { playGossipNotebook } from './support/notebook.ts';

const SETUP_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 120_000;

/** The host ports docker-compose.yml publishes. */
const URLS: NodeUrls = { node1: 'http://localhost:5000', node2: 'http://localhost:5001', node3: 'http://localhost:5002' };

describe('docker-compose.yml: three nodes peering through PEERS', () => {
  // A project name of its own, so `down` removes only what this run created.
  const project = new ComposeProject(`chainlab-e2e-${process.pid}`);

  beforeAll(async () => {
    await project.up();
    try {
      await Promise.all(NODE_NAMES.map((name) => waitForOk(`${URLS[name]}/health`, READY_TIMEOUT_MS)));
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- docker compose logs ---\n${await project.logs()}`);
    }
  }, SETUP_TIMEOUT_MS);

  // Runs even when `up` or a test failed: a half-started project must not keep the ports.
  afterAll(() => project.down(), TEST_TIMEOUT_MS);

  it('starts each node knowing its two peers from PEERS', async () => {
    for (const name of NODE_NAMES) {
      // Registering no nodes changes nothing and answers with the peers already known.
      const reply = await postJson(`${URLS[name]}/nodes/register`, { nodes: [] });
      expect(reply).toEqual({ status: 201, body: { message: 'New nodes have been added', total_nodes: otherNodes(name).map(peerAddress) } });
    }
  }, TEST_TIMEOUT_MS);

  // The services gossip (the default): blocks and transactions spread without a resolve.
  it('plays the notebook over the published ports 5000-5002, gossip carrying every block and transaction', async () => {
    await playGossipNotebook(URLS);
  }, TEST_TIMEOUT_MS);

  // All three stop at once, so no peer holds the chain while they are down: what comes back was read
  // from each node's volume (DATA_DIR=/data).
  it('keeps every chain in its volume across docker compose stop and start', async () => {
    const before = await Promise.all(NODE_NAMES.map(async (name) => (await getJson(`${URLS[name]}/chain`)).body));
    expect(before[0]).toMatchObject({ length: 3 });
    await project.stop();
    await project.start();
    await Promise.all(NODE_NAMES.map((name) => waitForOk(`${URLS[name]}/health`, READY_TIMEOUT_MS)));
    const after = await Promise.all(NODE_NAMES.map(async (name) => (await getJson(`${URLS[name]}/chain`)).body));
    expect(after).toEqual(before);
  }, TEST_TIMEOUT_MS);
});
