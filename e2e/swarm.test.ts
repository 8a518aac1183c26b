// deploy/stack.yml on a single-node Docker Swarm: five replicas of one service, whose PEERS is
// Swarm's `tasks.node`, find each other and agree on one chain. The replicas sit behind Swarm's
// routing mesh, so the test talks to each one from inside its container (docker exec).
import { docker } from './support/docker-cli.ts';
import { eventually } from './support/eventually.ts';
import type { Health } from './support/nodes.ts';

const STACK = `chainlab-e2e-${process.pid}`;
const REPLICAS = 5;
const SETUP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 180_000;

describe('docker stack deploy: five replicas on a single-node swarm', () => {
  let joinedSwarm = false;
  let replicas: string[] = [];

  beforeAll(async () => {
    if ((await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim() !== 'active') {
      await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      joinedSwarm = true;
    }
    // A swarm runs images it can find; on one machine, the locally built one.
    await docker(['build', '-q', '-t', 'chainlab-node', '.']);
    await docker(['stack', 'deploy', '-c', 'deploy/stack.yml', STACK]);
    await eventually(async () => {
      replicas = await runningReplicas();
      expect(replicas).toHaveLength(REPLICAS);
      for (const replica of replicas) await inside(replica, 'GET', '/health');
    }, 180_000, 1000);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await docker(['stack', 'rm', STACK]).catch(() => undefined);
    // The stack's network goes only after its containers: wait, so `swarm leave` and later runs find it gone.
    await eventually(async () => expect(await runningReplicas()).toEqual([]), 120_000, 1000).catch(() => undefined);
    if (joinedSwarm) await docker(['swarm', 'leave', '--force']).catch(() => undefined);
  }, TEST_TIMEOUT_MS);

  it(`each replica finds the other ${REPLICAS - 1} through tasks.node`, async () => {
    await eventually(async () => {
      for (const replica of replicas) expect(((await inside(replica, 'GET', '/health')) as Health).peers).toHaveLength(REPLICAS - 1);
    });
  }, TEST_TIMEOUT_MS);

  it('the five converge on one chain: mine on one, and the others follow without a resolve', async () => {
    const [miner, ...others] = replicas;
    await inside(miner!, 'GET', '/mine');
    await inside(miner!, 'GET', '/mine');
    await eventually(async () => {
      const healths = (await Promise.all(replicas.map((replica) => inside(replica, 'GET', '/health')))) as Health[];
      expect(new Set(healths.map((health) => health.tip_hash)).size).toBe(1);
      expect(healths[0]!.length).toBe(3);
    }, 30_000, 500);
    for (const replica of others) expect(await inside(replica, 'GET', '/nodes/resolve')).toMatchObject({ message: 'Our chain is authoritative', skipped: [] });
  }, TEST_TIMEOUT_MS);
});

async function runningReplicas(): Promise<string[]> {
  const ids = await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${STACK}_node`]);
  return ids.split('\n').filter((id) => id !== '').sort();
}

/** A request made from inside a replica's container, to that replica: the routing mesh would pick one at random. */
async function inside(container: string, method: string, path: string): Promise<unknown> {
  const script = `fetch('http://127.0.0.1:5000${path}', { method: '${method}' }).then(async (r) => { const t = await r.text(); if (!r.ok) { console.error(r.status, t); process.exit(1); } console.log(t); }, (e) => { console.error(String(e)); process.exit(1); })`;
  return JSON.parse(await docker(['exec', container, 'node', '-e', script]));
}
