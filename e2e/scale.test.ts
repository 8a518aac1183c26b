// deploy/compose.scale.yml with `--scale node=4`: four replicas of one service, whose PEERS names the
// service itself, find each other through Compose's DNS and agree on one chain by gossip.
// Its own project name and image tag; each replica publishes a port Docker picks.
import { eventually } from '../test/support/eventually.ts';
import { ComposeProject } from './support/docker-cli.ts';
import { getJson } from './support/http.ts';
import { NODE_IMAGE } from './support/node-containers.ts';
import { NODE_PORT, type Health } from './support/nodes.ts';

const REPLICAS = 4;
const SETUP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 180_000;

describe('docker compose up --scale: replicas that find each other', () => {
  const project = new ComposeProject(`chainlab-scale-${process.pid}`, 'deploy/compose.scale.yml', { CHAINLAB_IMAGE: NODE_IMAGE });
  let urls: string[] = [];

  beforeAll(async () => {
    await project.up('--scale', `node=${REPLICAS}`);
    const indexes = Array.from({ length: REPLICAS }, (_, i) => i + 1);
    urls = await Promise.all(indexes.map(async (index) => `http://127.0.0.1:${await project.hostPort('node', NODE_PORT, index)}`));
  }, SETUP_TIMEOUT_MS);

  afterAll(() => project.down(), TEST_TIMEOUT_MS);

  const health = async (url: string) => (await getJson(`${url}/health`)).body as Health;

  it(
    `each of the ${REPLICAS} replicas finds the other ${REPLICAS - 1}`,
    async () => {
      await eventually(
        async () => {
          for (const url of urls) expect((await health(url)).peers).toHaveLength(REPLICAS - 1);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const ids = await Promise.all(urls.map(async (url) => (await health(url)).node_id));
      expect(new Set(ids).size).toBe(REPLICAS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'they converge on one chain: mine on one, and the others follow without a resolve',
    async () => {
      const [miner, ...others] = urls;
      expect((await getJson(`${miner}/mine`)).status).toBe(200);
      expect((await getJson(`${miner}/mine`)).status).toBe(200);
      await eventually(
        async () => {
          const healths = await Promise.all(urls.map(health));
          expect(new Set(healths.map((replica) => replica.tip_hash)).size).toBe(1);
          expect(healths[0]!.length).toBe(3);
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      for (const url of others) {
        expect((await getJson(`${url}/nodes/resolve`)).body).toMatchObject({ message: 'Our chain is authoritative', skipped: [] });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
