import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { NODE_NAMES, NODE_PORT, REPO_ROOT, type NodeName, type NodeUrls } from './nodes.ts';

/** node1..node3; disposing them stops and removes all three, whichever a test has stopped already. */
export type NodeContainers = Readonly<Record<NodeName, StartedTestContainer>> & AsyncDisposable;

/**
 * The image every e2e test builds and runs: buildNodeImage here, and the Compose and Swarm tests
 * through CHAINLAB_IMAGE. A tag of its own, so a test run never builds over chainlab-node, the
 * image of a network a developer started with `docker compose up`.
 */
export const NODE_IMAGE = 'chainlab-node:e2e';

/**
 * Builds the project's Dockerfile as chainlab-node:e2e and returns the image name. Kept after the
 * run (deleteOnExit: false) so the next run's build hits the layer cache.
 * A failing build is reported only as "Failed to build image": run with
 * DEBUG=testcontainers:build to see the build's own output.
 */
export async function buildNodeImage(): Promise<string> {
  await GenericContainer.fromDockerfile(REPO_ROOT).build(NODE_IMAGE, { deleteOnExit: false });
  return NODE_IMAGE;
}

/** A node's environment, by its name. */
export type NodeEnv = (name: NodeName) => Record<string, string>;

/** The notebook's setup: each node knows only its id; PEERS stays empty, the notebook registers the peers itself. */
export const notebookEnv: NodeEnv = (name) => ({ NODE_ID: name });

/** Starts node1..node3 on `network`, each reachable by the others under its name, with `env` (by default notebookEnv). */
export async function startNodes(image: string, network: StartedNetwork, env: NodeEnv = notebookEnv): Promise<NodeContainers> {
  const results = await Promise.allSettled(NODE_NAMES.map((name) => startNodeContainer(image, network, name, env(name))));
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    // The caller never sees the nodes that did start, so stop them here; a node left running
    // would also keep the network from being removed.
    await Promise.allSettled(started.map((node) => node.stop()));
    throw failure.reason;
  }
  const [node1, node2, node3] = started as [StartedTestContainer, StartedTestContainer, StartedTestContainer];
  return {
    node1,
    node2,
    node3,
    async [Symbol.asyncDispose]() {
      await Promise.all(started.map((node) => node.stop()));
    },
  };
}

/** One node on `network` under the alias `name`, started once its /health answers 200. */
export function startNodeContainer(
  image: string,
  network: StartedNetwork,
  name: string,
  env: Record<string, string>,
): Promise<StartedTestContainer> {
  // A new builder per container: GenericContainer is mutable, so sharing one would give every
  // container the last environment and all three aliases.
  return new GenericContainer(image)
    .withNetwork(network)
    .withNetworkAliases(name)
    .withEnvironment(env)
    .withExposedPorts(NODE_PORT)
    .withWaitStrategy(Wait.forHttp('/health', NODE_PORT).forStatusCode(200))
    .start();
}

/** Where the test process reaches each container's API through its mapped port. */
export function urlsOf(nodes: NodeContainers): NodeUrls {
  const url = (node: StartedTestContainer) => `http://${node.getHost()}:${node.getMappedPort(NODE_PORT)}`;
  return { node1: url(nodes.node1), node2: url(nodes.node2), node3: url(nodes.node3) };
}
