// deploy/stack.yml on a single-node Docker Swarm: five replicas of one service, whose PEERS is
// Swarm's `tasks.node`, find each other and agree on one chain. The replicas sit behind Swarm's
// routing mesh, so the test talks to each one from inside its container (docker exec).
// Beside whatever else runs on this engine: a stack name and an image tag of its own, a routing-mesh
// port Swarm picks (5000 may be a developer's docker compose network), and a swarm it leaves again
// only if it created it.
import { eventually } from '../test/support/eventually.ts';
import { docker } from './support/docker-cli.ts';
import { execApi } from './support/node-api.ts';
import { NODE_IMAGE } from './support/node-containers.ts';
import type { Health } from './support/nodes.ts';

const STACK = `chainlab-e2e-${process.pid}`;
/** What deploy/stack.yml reads: the test's image, and published port 0, one Swarm chooses. */
const STACK_ENV = { CHAINLAB_IMAGE: NODE_IMAGE, CHAINLAB_PORT: '0' };
/** The bridge that joins a swarm's containers to the host's network. */
const GATEWAY_BRIDGE = 'docker_gwbridge';
const REPLICAS = 5;
const SETUP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 180_000;

describe('docker stack deploy: five replicas on a single-node swarm', () => {
  let joinedSwarm = false;
  let createdGatewayBridge = false;
  let replicas: string[] = [];

  beforeAll(async () => {
    const [state, manager] = (await docker(['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']))
      .trim()
      .split(' ');
    if (state === 'inactive') {
      // `swarm init` also creates the docker_gwbridge network, and `swarm leave` keeps it.
      createdGatewayBridge = !(await networkExists(GATEWAY_BRIDGE));
      await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      joinedSwarm = true;
    } else if (state !== 'active' || manager !== 'true') {
      // Pending, locked, in error, or a worker: not a swarm this test may deploy to, or repair.
      throw new Error(`this engine's swarm is '${state}' (manager: ${manager}): the test needs none, or an active manager`);
    }
    // A swarm runs images it can find; on one machine, the locally built one (no registry to ask).
    await docker(['build', '-q', '-t', NODE_IMAGE, '.']);
    await docker(['stack', 'deploy', '--resolve-image', 'never', '-c', 'deploy/stack.yml', STACK], undefined, STACK_ENV);
    await eventually(
      async () => {
        replicas = await runningReplicas();
        expect(replicas).toHaveLength(REPLICAS);
        for (const replica of replicas) await inside(replica, '/health');
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await docker(['stack', 'rm', STACK]).catch(() => undefined);
    // The stack's network goes only after its containers: wait, so `swarm leave` and later runs find it gone.
    await eventually(async () => expect(await runningReplicas()).toEqual([]), { timeoutMs: 120_000, intervalMs: 1000 }).catch(
      () => undefined,
    );
    if (joinedSwarm) await docker(['swarm', 'leave', '--force']).catch(() => undefined);
    if (createdGatewayBridge) await docker(['network', 'rm', GATEWAY_BRIDGE]).catch(() => undefined);
  }, TEST_TIMEOUT_MS);

  it(
    `each replica finds the other ${REPLICAS - 1} through tasks.node`,
    async () => {
      await eventually(
        async () => {
          for (const replica of replicas) expect(((await inside(replica, '/health')) as Health).peers).toHaveLength(REPLICAS - 1);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the five converge on one chain: mine on one, and the others follow without a resolve',
    async () => {
      const [miner, ...others] = replicas;
      await inside(miner!, '/mine');
      await inside(miner!, '/mine');
      await eventually(
        async () => {
          const healths = (await Promise.all(replicas.map((replica) => inside(replica, '/health')))) as Health[];
          expect(new Set(healths.map((health) => health.tip_hash)).size).toBe(1);
          expect(healths[0]!.length).toBe(3);
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      for (const replica of others)
        expect(await inside(replica, '/nodes/resolve')).toMatchObject({ message: 'Our chain is authoritative', skipped: [] });
    },
    TEST_TIMEOUT_MS,
  );
});

async function networkExists(name: string): Promise<boolean> {
  return (await docker(['network', 'ls', '--quiet', '--filter', `name=^${name}$`])).trim() !== '';
}

async function runningReplicas(): Promise<string[]> {
  const ids = await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${STACK}_node`]);
  return ids
    .split('\n')
    .filter((id) => id !== '')
    .sort();
}

/** A GET from inside a replica's container, to that replica (the routing mesh would pick one at random); anything but a 2xx fails. */
async function inside(container: string, path: string): Promise<unknown> {
  const { status, body } = await execApi(container).get(path);
  if (status < 200 || status >= 300) throw new Error(`GET ${path} inside ${container}: ${status} ${JSON.stringify(body)}`);
  return body;
}
