// The project's own docker-compose.yml, brought up with the `docker compose` CLI (v1 or v2).
// It publishes the fixed host ports 5000-5002: stop any network started by hand before running it.
import { ComposeProject } from './support/docker-cli.ts';
import { postJson, waitForOk } from './support/http.ts';
import { NODE_NAMES, otherNodes, peerAddress, type NodeUrls } from './support/nodes.ts';
import { playNotebook } from './support/notebook.ts';

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

  it('plays the notebook over the published ports 5000-5002', async () => {
    await playNotebook(URLS);
  }, TEST_TIMEOUT_MS);
});
