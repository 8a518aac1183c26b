// Three nodes started by Testcontainers on one Docker network, built from the project's Dockerfile,
// with GOSSIP=off: nothing moves between them until /nodes/resolve is called, as in the notebook.
// If the image build fails, run with DEBUG=testcontainers:build to see why (Testcontainers swallows
// the build's output otherwise).
import { Network } from 'testcontainers';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { docker } from './support/docker-cli.ts';
import { getJson } from './support/http.ts';
import { buildNodeImage, notebookEnv, startNodes, urlsOf, type NodeContainers } from './support/node-containers.ts';
import { peerAddress, type NodeUrls } from './support/nodes.ts';
import { playNotebook } from './support/notebook.ts';

// The first build (npm ci, tsc) takes minutes on two cores; later ones hit the layer cache.
const SETUP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 120_000;

describe('three nodes on a Docker network (Testcontainers), GOSSIP=off', () => {
  const resources = disposeAfterAll(TEST_TIMEOUT_MS);
  let nodes: NodeContainers;
  let urls: NodeUrls;

  beforeAll(async () => {
    const image = await buildNodeImage();
    const network = resources.use(await new Network().start());
    // Disposing stops and removes each container, and copes with one a test has already stopped.
    nodes = resources.use(await startNodes(image, network, (name) => ({ ...notebookEnv(name), GOSSIP: 'off' })));
    urls = urlsOf(nodes);
  }, SETUP_TIMEOUT_MS);

  it(
    'plays the notebook with GOSSIP=off: register, transact, mine on each node, resolve to one chain',
    async () => {
      await playNotebook(urls);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'when node3 stops, node1 and node2 still resolve and report it as skipped',
    async () => {
      const node3 = nodes.node3.getId();
      await docker(['stop', '--time', '10', node3]);
      // Exit code 0, not 137: node runs as PID 1 and shuts down on SIGTERM instead of being killed.
      expect((await docker(['inspect', '--format', '{{.State.ExitCode}}', node3])).trim()).toBe('0');

      for (const url of [urls.node1, urls.node2]) {
        const reply = await getJson(`${url}/nodes/resolve`);
        expect(reply).toEqual({
          status: 200,
          body: {
            message: 'Our chain is authoritative',
            chain: expect.any(Array),
            skipped: [
              {
                node: peerAddress('node3'),
                reason: expect.stringMatching(new RegExp(`^GET ${peerAddress('node3')}/chain/tip: unreachable \\(`)),
              },
            ],
          },
        });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
