// TX_RULE=signed across two containers (issue 14): after a signed transfer both nodes give the same
// balances, and a block a peer gossips with a valid proof but an overspending transaction, correctly
// signed, is refused with a reason and leaves the chain as it was. One pair of nodes for the file.
import { Network } from 'testcontainers';
import { genesisBlock, type Block } from '../src/chain/block.ts';
import { toJson } from '../src/chain/py-json.ts';
import { parseJson } from '../src/chain/py-json-parse.ts';
import { address, signedTx } from '../test/support/signed.ts';
import { BYZANTINE_HOST, startByzantinePeers, type FakePeer } from './support/byzantine-peer.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { blockOnTip } from './support/hostile-chains.ts';
import { httpApi, type NodeApi } from './support/node-api.ts';
import { buildNodeImage, startNodeContainer } from './support/node-containers.ts';
import { NODE_PORT } from './support/nodes.ts';

const SETUP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 120_000;
const PATIENCE_MS = 30_000;
/** The containers' DIFFICULTY, as it is by default: the forged block's proof must pass it. */
const DIFFICULTY = 4;
const ALICE = address('alice');
const BOB = address('bob');
const MALLORY = address('mallory');
/** The stock image the fake peer runs in: no chainlab code in it. */
const FAKE_PEER_IMAGE = 'node:24-bookworm-slim';

/**
 * A chain longer than the nodes' will be, every proof valid, whose block 3 has mallory, with the one
 * coin of block 2's reward, send 5 in a transaction she signed herself: only the balance rule refuses it.
 */
function overspendingChain(length: number): Block[] {
  const chain: Block[] = [genesisBlock()];
  while (chain.length < length) {
    const transactions = chain.length === 2 ? [signedTx('mallory', 'bob', 5, 1)] : [];
    chain.push(blockOnTip(chain, transactions, { difficulty: DIFFICULTY, miner: MALLORY, timestampSeconds: 1_800_000_000 + chain.length }));
  }
  return chain;
}
const LONGER: FakePeer = { name: 'a longer chain with an overspend', port: 7201, behaviour: 'serve', chain: overspendingChain(8) };

describe('two nodes under TX_RULE=signed', () => {
  const resources = disposeAfterAll(TEST_TIMEOUT_MS);
  let miner: NodeApi; // MINER_ADDRESS is alice's: its rewards are hers
  let other: NodeApi;

  beforeAll(async () => {
    const image = await buildNodeImage();
    const network = resources.use(await new Network().start());
    const env = (name: string, peer: string, extra: Record<string, string> = {}) => ({
      NODE_ID: name,
      ADVERTISE_ADDRESS: `${name}:${NODE_PORT}`,
      PEERS: `${peer}:${NODE_PORT}`,
      TX_RULE: 'signed',
      // Never on its own: every sync is the test's /nodes/resolve.
      SYNC_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
      ...extra,
    });
    const [, minerContainer, otherContainer] = await Promise.all([
      startByzantinePeers(FAKE_PEER_IMAGE, network, [LONGER]).then((fakes) => resources.use(fakes)),
      startNodeContainer(image, network, 'miner', env('miner', 'other', { MINER_ADDRESS: ALICE })).then((node) => resources.use(node)),
      startNodeContainer(image, network, 'other', env('other', 'miner')).then((node) => resources.use(node)),
    ]);
    const url = (node: typeof minerContainer) => `http://${node.getHost()}:${node.getMappedPort(NODE_PORT)}`;
    miner = httpApi(url(minerContainer), PATIENCE_MS);
    other = httpApi(url(otherContainer), PATIENCE_MS);
  }, SETUP_TIMEOUT_MS);

  const account = async (node: NodeApi, who: string) => (await node.get(`/accounts/${who}`)).body;
  const chainOf = async (node: NodeApi): Promise<Block[]> => {
    const parsed = parseJson((await node.getText('/chain')).text); // Python's numbers: a 5.0 stays 5.0, so hashes match
    if (!parsed.ok) throw new Error(`GET /chain is not JSON: ${parsed.reason}`);
    return (parsed.value as unknown as { chain: Block[] }).chain;
  };

  it(
    'agree on both balances after a transfer',
    async () => {
      for (let i = 0; i < 2; i++) expect((await miner.get('/mine')).status).toBe(200);
      expect((await miner.post('/transactions/new', signedTx('alice', 'bob', 1.5, 1))).status).toBe(201);
      expect((await miner.get('/mine')).status).toBe(200);
      expect((await other.get('/nodes/resolve')).status).toBe(200);

      const expected = {
        [ALICE]: { address: ALICE, balance: 3 - 1.5, available: 3 - 1.5, next_nonce: 2 }, // 3 rewards, 1.5 sent
        [BOB]: { address: BOB, balance: 1.5, available: 1.5, next_nonce: 1 },
      };
      for (const who of [ALICE, BOB]) {
        expect(await account(miner, who)).toEqual(expected[who]);
        expect(await account(other, who)).toEqual(expected[who]);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "refuses a peer's gossiped block with a valid proof and a signed overspend, and keeps its chain",
    async () => {
      const before = (await other.getText('/chain')).text;
      const chain = await chainOf(other);
      const { balance, next_nonce } = (await account(other, ALICE)) as { balance: number; next_nonce: number };
      const overspend = signedTx('alice', 'bob', balance + 1, next_nonce); // signed by alice's own key
      const block = blockOnTip(chain, [overspend], { difficulty: DIFFICULTY, miner: BOB, timestampSeconds: Date.now() / 1000 });

      const reply = await other.postText('/gossip/blocks', toJson({ block, length: chain.length + 1 }));
      expect(reply).toMatchObject({ status: 400, body: { error: expect.stringMatching(/insufficient funds/) } });
      expect((await other.getText('/chain')).text).toBe(before);
      expect(await account(other, BOB)).toMatchObject({ balance: 1.5 });

      // The same block within her balance is taken: the proof and the signature were never the problem.
      const affordable = blockOnTip(chain, [signedTx('alice', 'bob', balance, next_nonce)], {
        difficulty: DIFFICULTY,
        miner: BOB,
        timestampSeconds: Date.now() / 1000,
      });
      expect(await other.postText('/gossip/blocks', toJson({ block: affordable, length: chain.length + 1 }))).toMatchObject({
        status: 200,
      });
      expect(await account(other, BOB)).toMatchObject({ balance: 1.5 + balance + 1 });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a longer chain from a peer when one of its blocks overspends, and says why',
    async () => {
      const before = (await other.getText('/chain')).text;
      expect((await chainOf(other)).length).toBeLessThan(LONGER.chain.length);
      const peer = `${BYZANTINE_HOST}:${LONGER.port}`;
      expect((await other.post('/nodes/register', { nodes: [`http://${peer}`] })).status).toBe(201);

      const reply = await other.get('/nodes/resolve');
      expect(reply).toMatchObject({ status: 200, body: { message: 'Our chain is authoritative' } });
      // Its proofs are valid; its accounts are not: skipped with the reason, like any invalid chain.
      expect((reply.body as { skipped: unknown[] }).skipped).toContainEqual({
        node: expect.stringContaining(BYZANTINE_HOST),
        reason: expect.stringMatching(/invalid chain: block 3, transaction 1: insufficient funds/),
      });
      expect((await other.getText('/chain')).text).toBe(before);
      expect(await account(other, MALLORY)).toMatchObject({ balance: 0 });
    },
    TEST_TIMEOUT_MS,
  );
});
