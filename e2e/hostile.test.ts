// A node among hostile peers, the network-level attacks of issue 11: a liar that claims an honest
// node's id, a peer that stalls after 25 MB, a chain whose proof is a megabyte string, a mining
// reward passed on as a pending transaction, and a block that steals a pending transaction's id.
// One victim node, one honest node and one container of fake peers, one port per attack. Each test
// says why it failed before the defence; each can run alone (`-t`), and in order they share the
// victim, so every later exchange meets the earlier attackers too.
import { Network } from 'testcontainers';
import type { Block, Transaction } from '../src/chain/block.ts';
import { toJson } from '../src/chain/py-json.ts';
import { parseJson } from '../src/chain/py-json-parse.ts';
import type { ChainRules } from '../src/chain/rules.ts';
import { validChain } from '../src/chain/validate.ts';
import { buildChain } from '../test/support/chains.ts';
import { BYZANTINE_HOST, startByzantinePeers, type FakePeer } from './support/byzantine-peer.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { blockOnTip, satisfiesReferencePow, withHugeProof } from './support/hostile-chains.ts';
import { tipOf } from './support/ledger.ts';
import { httpApi, type NodeApi } from './support/node-api.ts';
import { buildNodeImage, startNodeContainer } from './support/node-containers.ts';
import { NODE_PORT } from './support/nodes.ts';

const SETUP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 120_000;
const PEER_TIMEOUT_MS = 1000;
/** A generous bound on a resolve that must give up on a stalled peer after PEER_TIMEOUT_MS. */
const RESOLVE_BOUND_MS = 10_000;
/** A generous bound on one block at difficulty 4, which takes milliseconds on an honest tip. */
const MINE_BOUND_MS = 10_000;
/** How long the test itself waits for an answer that must come within one of the bounds above. */
const PATIENCE_MS = 30_000;
/** The stock image the fake peers run in: no chainlab code in it. */
const FAKE_PEER_IMAGE = 'node:24-bookworm-slim';
/** The victim's rules: DIFFICULTY, POW_RULE and MAX_BLOCK_BYTES as they are by default. */
const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 };

const HONEST = { name: 'honest', address: `honest:${NODE_PORT}` };
const LIAR: FakePeer = {
  name: 'a liar that claims the honest node id',
  port: 7101,
  behaviour: 'claim-id',
  chain: buildChain(2, { miner: 'liar' }),
  claimsIdOf: HONEST.address,
};
const STALLED: FakePeer = { name: 'a peer that stalls after 25 MB', port: 7102, behaviour: 'stall', chain: buildChain(1) };
/** Longer than the victim's chain in every test here (at most 7 blocks), so the victim looks at it. */
const HUGE_PROOF: FakePeer = {
  name: 'a chain whose last proof is a megabyte string',
  port: 7103,
  behaviour: 'serve',
  chain: withHugeProof(buildChain(7, { miner: 'byzantine' }), RULES.difficulty),
};
const PEERS = [LIAR, STALLED, HUGE_PROOF];
const addressOf = (peer: FakePeer) => `${BYZANTINE_HOST}:${peer.port}`;

describe('a node among hostile peers', () => {
  const resources = disposeAfterAll(TEST_TIMEOUT_MS);
  let victimUrl: string;
  let victim: NodeApi;
  let honest: NodeApi;

  beforeAll(async () => {
    const image = await buildNodeImage();
    const network = resources.use(await new Network().start());
    const env = (name: string) => ({
      NODE_ID: name,
      ADVERTISE_ADDRESS: `${name}:${NODE_PORT}`,
      PEER_TIMEOUT_MS: String(PEER_TIMEOUT_MS),
      // Never on its own: every sync is a /nodes/resolve of the test's, so the timing is the test's.
      SYNC_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    });
    const [, victimContainer, honestContainer] = await Promise.all([
      startByzantinePeers(FAKE_PEER_IMAGE, network, PEERS).then((fakes) => resources.use(fakes)),
      startNodeContainer(image, network, 'victim', env('victim')).then((node) => resources.use(node)),
      startNodeContainer(image, network, HONEST.name, env(HONEST.name)).then((node) => resources.use(node)),
    ]);
    const url = (node: typeof victimContainer) => `http://${node.getHost()}:${node.getMappedPort(NODE_PORT)}`;
    victimUrl = url(victimContainer);
    victim = httpApi(victimUrl, PATIENCE_MS);
    honest = httpApi(url(honestContainer), PATIENCE_MS);
  }, SETUP_TIMEOUT_MS);

  it('the forged chains are what the attacks need, by the chain core itself', () => {
    expect(validChain(LIAR.chain, RULES)).toMatchObject({ ok: true });
    // Everything but the megabyte proof is valid, and that proof passes the reference's rule: only
    // a rule that proofs are integers can refuse it.
    const huge = HUGE_PROOF.chain;
    expect(validChain(huge.slice(0, -1), RULES)).toMatchObject({ ok: true });
    const hugeProof = huge.at(-1)!.proof;
    expect(typeof hugeProof).toBe('string');
    expect((hugeProof as string).length).toBeGreaterThan(1_000_000);
    expect(satisfiesReferencePow(huge.at(-2)!.proof, huge.at(-1)!.proof, RULES.difficulty)).toBe(true);
    expect(validChain(huge, RULES)).toEqual({ ok: false, reason: expect.stringMatching(/proof/) });
  });

  it(
    'keeps an honest peer whose id a liar claims, registered before or after it, and adopts its chain',
    async () => {
      // Before the defence: the liar answered first with the honest node's id, so when the honest
      // node answered with its own it was taken for the liar's alias and removed: /nodes no
      // longer listed it, and the victim never saw its longer chain.
      const honestId = ((await honest.get('/health')).body as { node_id: string }).node_id;
      expect(honestId).toBe(HONEST.name);
      for (let i = 0; i < 3; i++) expect((await honest.get('/mine')).status).toBe(200);
      const honestTip = await tipOf(honest);
      expect(honestTip.length).toBeGreaterThan(LIAR.chain.length);

      await register(victim, addressOf(LIAR));
      expect((await victim.get('/nodes/resolve')).status).toBe(200); // the liar has claimed the id before the honest node is known
      await register(victim, HONEST.address);
      for (let round = 0; round < 3; round++) expect((await victim.get('/nodes/resolve')).status).toBe(200);

      expect(await peerAddresses(victim)).toContain(HONEST.address);
      expect(await tipOf(victim)).toEqual(honestTip);
      expect((await victim.getText('/chain')).text).toBe((await honest.getText('/chain')).text);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gives up on a peer that stalls after 25 MB within its timeout, resolve after resolve, and says so in /nodes',
    async () => {
      // Before the defence: the deadline stopped at the headers (ky's AbortSignal.timeout was lost
      // to a GC while the body came), so the first resolve never answered, every later one queued
      // behind it, and /nodes showed the peer with nulls.
      await register(victim, addressOf(STALLED));
      for (let round = 1; round <= 2; round++) {
        const { reply, elapsedMs } = await timed('GET /nodes/resolve', () => victim.get('/nodes/resolve'));
        console.log(`hostile: resolve ${round} with a stalled peer took ${Math.round(elapsedMs)} ms (PEER_TIMEOUT_MS=${PEER_TIMEOUT_MS})`);
        expect(reply.status).toBe(200);
        expect(elapsedMs).toBeLessThan(RESOLVE_BOUND_MS);
        const { skipped } = reply.body as { skipped: { node: string; reason: string }[] };
        expect(skipped).toContainEqual({ node: addressOf(STALLED), reason: expect.any(String) });
      }
      expect(await peerStatus(victim, addressOf(STALLED))).toMatchObject({ reachable: false, last_error: expect.any(String) });
      expect((await victim.get('/health')).status).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a chain whose proof is a megabyte string, and still mines promptly',
    async () => {
      // Before the defence: any scalar passed as a proof, so the longer chain was adopted, and every
      // guess of the next /mine hashed the megabyte again: minutes instead of milliseconds.
      expect((await chainOf(victim)).length).toBeLessThan(HUGE_PROOF.chain.length);
      const before = await victim.getText('/chain');
      await register(victim, addressOf(HUGE_PROOF));
      const resolved = await victim.get('/nodes/resolve');
      expect(resolved).toMatchObject({ status: 200, body: { message: 'Our chain is authoritative' } });
      const { skipped } = resolved.body as { skipped: { node: string; reason: string }[] };
      expect(skipped).toContainEqual({ node: addressOf(HUGE_PROOF), reason: expect.stringMatching(/proof/) });
      expect(await victim.getText('/chain')).toEqual(before);

      const { reply, elapsedMs } = await timed('GET /mine', () => victim.get('/mine'));
      console.log(`hostile: /mine after refusing the megabyte proof took ${Math.round(elapsedMs)} ms`);
      expect(reply.status).toBe(200);
      expect(elapsedMs).toBeLessThan(MINE_BOUND_MS);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a mining reward passed on as a pending transaction, and never mines it',
    async () => {
      // Before the defence: a transaction from "0" was taken for a reward, pooled with 200, put in
      // every block mined after, and never left the pool.
      const fake: Transaction = { sender: '0', recipient: 'x', amount: 1_000_000, id: 'fake1' };
      const passedOn = await victim.post('/gossip/transactions', { transactions: [fake] });
      expect(passedOn.status).toBe(400);

      const mined = await victim.get('/mine');
      expect(mined.status).toBe(200);
      const { transactions } = mined.body as { transactions: Transaction[] };
      expect(transactions.filter((transaction) => transaction.id === 'fake1')).toEqual([]);
      expect(await pendingIds(victim)).not.toContain('fake1');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "keeps a pending transaction whose id a peer's block gives to other content, and mines it",
    async () => {
      // Before the defence: the pool took the block's alice->mallory for the pending alice->bob
      // under the same id and dropped it, and resending it answered 409, "already known with
      // other content": an acknowledged transaction lost.
      const payment = { sender: 'alice', recipient: 'bob', amount: 5 };
      const accepted = await victim.post('/transactions/new', payment);
      expect(accepted.status).toBe(201);
      const { id } = accepted.body as { id: string };

      const chain = await chainOf(victim);
      const theft: Transaction = { sender: 'alice', recipient: 'mallory', amount: 5000, id };
      const block = blockOnTip(chain, [theft], { difficulty: RULES.difficulty, miner: 'mallory', timestampSeconds: Date.now() / 1000 });
      // Our own JSON writer: the block's float timestamp must arrive as it was hashed.
      const announced = await postText(`${victimUrl}/gossip/blocks`, toJson({ block, length: chain.length + 1 }));
      expect(announced).toEqual({ status: 200, body: { status: 'appended', length: chain.length + 1 } });

      expect(await pendingIds(victim)).toContain(id);
      // The client, unsure it was heard, sends the acknowledged transaction again, with its id.
      const resent = await victim.post('/transactions/new', { ...payment, id });
      expect(resent).toMatchObject({ status: 200, body: { id } });

      const mined = await victim.get('/mine');
      expect(mined.status).toBe(200);
      expect((mined.body as { transactions: Transaction[] }).transactions).toContainEqual({ ...payment, id });
      expect(await pendingIds(victim)).not.toContain(id);
    },
    TEST_TIMEOUT_MS,
  );
});

async function register(api: NodeApi, address: string): Promise<void> {
  const reply = await api.post('/nodes/register', { nodes: [`http://${address}`] });
  expect({ register: address, status: reply.status }).toEqual({ register: address, status: 201 });
}

/** A peer as GET /nodes shows it: the fields read here. */
interface PeerJson {
  node: string;
  reachable: boolean | null;
  last_error: string | null;
}

async function peerStatuses(api: NodeApi): Promise<PeerJson[]> {
  const reply = await api.get('/nodes');
  if (reply.status !== 200) throw new Error(`GET /nodes answered ${reply.status}`);
  return (reply.body as { nodes: PeerJson[] }).nodes;
}

async function peerAddresses(api: NodeApi): Promise<string[]> {
  return (await peerStatuses(api)).map((peer) => peer.node);
}

async function peerStatus(api: NodeApi, address: string): Promise<PeerJson | undefined> {
  return (await peerStatuses(api)).find((peer) => peer.node === address);
}

async function pendingIds(api: NodeApi): Promise<unknown[]> {
  const reply = await api.get('/transactions/pending');
  if (reply.status !== 200) throw new Error(`GET /transactions/pending answered ${reply.status}`);
  return (reply.body as { transactions: Transaction[] }).transactions.map((transaction) => transaction.id);
}

/** The node's chain, parsed with Python's number rules so that each block hashes as it did there. */
async function chainOf(api: NodeApi): Promise<Block[]> {
  const { status, text } = await api.getText('/chain');
  const parsed = parseJson(text);
  if (status !== 200 || !parsed.ok) throw new Error(`GET /chain answered ${status}: ${text.slice(0, 200)}`);
  return (parsed.value as { chain: Block[] }).chain;
}

/** The reply and how long it took; a request that gets none within PATIENCE_MS fails with what it was. */
async function timed<T>(what: string, request: () => Promise<T>): Promise<{ reply: T; elapsedMs: number }> {
  const started = performance.now();
  const reply = await request().catch((error: unknown) => {
    // fetch's DOMException comes from outside jest's realm: `instanceof Error` would not see it.
    throw (error as { name?: unknown } | undefined)?.name === 'TimeoutError'
      ? new Error(`${what} gave no answer within ${PATIENCE_MS} ms`)
      : error;
  });
  return { reply, elapsedMs: performance.now() - started };
}

/** POSTs JSON text as it is, where JSON.stringify would change it. */
async function postText(url: string, text: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
    signal: AbortSignal.timeout(PATIENCE_MS),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}
