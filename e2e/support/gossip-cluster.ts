import { Network, type StartedNetwork } from 'testcontainers';
import { eventually } from '../../test/support/eventually.ts';
import { disposeAfterAll } from './dispose-after-all.ts';
import { docker, publishedPort } from './docker-cli.ts';
import { waitForOk } from './http.ts';
import { execApi, httpApi, type NodeApi } from './node-api.ts';
import { buildNodeImage, startNodes, type NodeContainers, type NodeEnv } from './node-containers.ts';
import { NODE_NAMES, NODE_PORT, otherNodes, peerAddress, type NodeName } from './nodes.ts';

/**
 * Every node of a fault test: gossip on (the default), PEERS naming the other two, its chain kept
 * under /data in the container's own filesystem (which survives `docker kill` and `docker start`
 * of the same container), and short timers so that a test waits seconds, not minutes.
 */
export const gossipEnv: NodeEnv = (name) => faultTestEnv(name, otherNodes(name).map(peerAddress));

/** The environment of gossipEnv for a node named `name` (its alias) that starts knowing `peers`. */
export function faultTestEnv(name: string, peers: readonly string[]): Record<string, string> {
  return {
    NODE_ID: name,
    ADVERTISE_ADDRESS: `${name}:${NODE_PORT}`,
    PEERS: peers.join(','),
    DATA_DIR: '/data',
    DIFFICULTY: '4',
    PEER_TIMEOUT_MS: '1000',
    SYNC_INTERVAL_MS: '500',
    // Peer failures and errors, not a line per request: three nodes syncing every 500 ms say a lot.
    LOG_LEVEL: 'warn',
  };
}

/** How long a restarted node may take to answer /health again. */
const RESTART_TIMEOUT_MS = 60_000;

/** Building the image the first time (npm ci, tsc on two cores) takes minutes. */
const SETUP_TIMEOUT_MS = 600_000;
const STOP_TIMEOUT_MS = 120_000;

/**
 * A cluster for the tests of one `describe`, its nodes started with `env`: started before the
 * first, stopped after the last. Returns how the tests reach it.
 */
export function useGossipCluster(env: NodeEnv = gossipEnv): () => GossipCluster {
  const resources = disposeAfterAll(STOP_TIMEOUT_MS);
  let cluster: GossipCluster | undefined;
  beforeAll(async () => {
    cluster = resources.use(await GossipCluster.start(env));
  }, SETUP_TIMEOUT_MS);
  return () => {
    if (cluster === undefined) throw new Error('the gossip cluster did not start: see the beforeAll error');
    return cluster;
  };
}

/**
 * node1..node3 as containers on their own network, and the faults a test inflicts on them: a
 * SIGKILL and a start again, a network partition and its healing. Each node is reached through its
 * published port, which moves when the container restarts or reconnects, or, while it is cut off
 * from the network and has none, from inside its container.
 */
export class GossipCluster implements AsyncDisposable {
  readonly network: StartedNetwork;
  readonly nodes: NodeContainers;
  #ports = new Map<NodeName, number>();
  #partitioned = new Set<NodeName>();

  private constructor(network: StartedNetwork, nodes: NodeContainers) {
    this.network = network;
    this.nodes = nodes;
    for (const name of NODE_NAMES) this.#ports.set(name, nodes[name].getMappedPort(NODE_PORT));
  }

  /** Builds the image (cached after the first time) and starts the three nodes with `env`. */
  static async start(env: NodeEnv = gossipEnv): Promise<GossipCluster> {
    const image = await buildNodeImage();
    const network = await new Network().start();
    try {
      return new GossipCluster(network, await startNodes(image, network, env));
    } catch (error) {
      await network.stop();
      throw error;
    }
  }

  id(name: NodeName): string {
    return this.nodes[name].getId();
  }

  url(name: NodeName): string {
    if (this.#partitioned.has(name)) throw new Error(`${name} is cut off from its network and publishes no port: use api('${name}')`);
    return `http://${this.nodes[name].getHost()}:${this.#ports.get(name)}`;
  }

  /** The node's API as it can be reached now. */
  api(name: NodeName, timeoutMs?: number): NodeApi {
    return this.#partitioned.has(name) ? execApi(this.id(name)) : httpApi(this.url(name), timeoutMs);
  }

  /** SIGKILL: no shutdown handler runs, whatever was not on disk is lost. */
  async kill(name: NodeName): Promise<void> {
    await docker(['kill', '--signal', 'KILL', this.id(name)]);
  }

  /**
   * Starts a killed or stopped node again, in the same container (same filesystem), and waits for
   * /health. A node cut off from the network starts alone, knowing only what it kept on disk.
   */
  async startAgain(name: NodeName): Promise<void> {
    await docker(['start', this.id(name)]);
    if (this.#partitioned.has(name)) {
      await eventually(async () => expect((await this.api(name).get('/health')).status).toBe(200), {
        timeoutMs: RESTART_TIMEOUT_MS,
        intervalMs: 200,
      });
    } else {
      await this.#refreshPort(name);
      await waitForOk(`${this.url(name)}/health`, RESTART_TIMEOUT_MS, 200);
    }
  }

  /** Cuts the node off from the other two (and from its published port); works on a stopped container too. */
  async disconnect(name: NodeName): Promise<void> {
    await docker(['network', 'disconnect', this.network.getName(), this.id(name)]);
    this.#partitioned.add(name);
  }

  /** Connects it again under its alias, which Docker forgets on disconnect. */
  async reconnect(name: NodeName): Promise<void> {
    await docker(['network', 'connect', '--alias', name, this.network.getName(), this.id(name)]);
    this.#partitioned.delete(name);
    await this.#refreshPort(name);
    await waitForOk(`${this.url(name)}/health`, RESTART_TIMEOUT_MS, 200);
  }

  /** Runs `check`; if it fails, the error carries the end of every node's log. */
  async explain<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof Error) error.message += `\n${await this.logs()}`;
      throw error;
    }
  }

  /** The end of every node's log (warnings and errors), to explain a failure. */
  async logs(tail = 40): Promise<string> {
    const logs = await Promise.all(
      NODE_NAMES.map(
        async (name) =>
          `--- ${name} ---\n${await docker(['logs', '--tail', String(tail), this.id(name)]).catch((error: Error) => error.message)}`,
      ),
    );
    return logs.join('\n');
  }

  /** Removes the containers (running or not), then their network, even when a container would not go. */
  async stop(): Promise<void> {
    try {
      await this.nodes[Symbol.asyncDispose]();
    } finally {
      await this.network.stop();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #refreshPort(name: NodeName): Promise<void> {
    this.#ports.set(name, await publishedPort(this.id(name), NODE_PORT));
  }
}
