// GET /network at 10,000 blocks: the page is drawn from the top of each chain, so only the top is
// asked for. A chainlab peer is asked for its tip, and for the blocks of the window only when its
// tip is not a block of this node's chain; never for its whole chain. A reference node, which has
// neither route, is still shown, from the whole chain it sends (bounded by the peer client's limits).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildChain, storeChain } from '../../bench/chain-fixture.ts';
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import type { Block } from '../../src/chain/block.ts';
import { NETWORK_BLOCKS } from '../../src/explorer/network-view.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { call, startTestNode, type TestNode } from '../support/nodes.ts';
import { startChainPeer, type ChainPeer } from './chain-peer.ts';

const LENGTH = 10_000;
const chain = buildChain(LENGTH);
/** The same chain to block 9,990, then 15 blocks of its own: a fork 10 blocks deep, and 5 blocks ahead. */
const fork: Block[] = [
  ...chain.slice(0, 9_990),
  ...Array.from({ length: 15 }, (_, i) => ({ ...chain[9_989]!, index: 9_991 + i, timestamp: 1_900_000_000 + i })),
];

type Member = { node: string; length: number | null; chain: { index: number; hash: string }[]; error: string | null };

/** The links of `blocks` at positions `from` to `to`. */
const linksOf = (blocks: readonly Block[], from: number, to: number) =>
  blocks.slice(from - 1, to).map((block, i) => ({ index: from + i, hash: cachedHash(block) }));

/** A whole chain of `LENGTH` blocks as JSON is about this many bytes: what asking for it would cost. */
const WHOLE_CHAIN_BYTES = 2_000_000;

describe('GET /network against peers holding 10,000 blocks', () => {
  let dir: string;
  let self: TestNode;
  const peers: ChainPeer[] = [];
  const peer = async (options: Parameters<typeof startChainPeer>[0]) => {
    const started = await startChainPeer(options);
    peers.push(started);
    await call(`${self.url}/nodes/register`, { json: { nodes: [started.address] } });
    return started;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chainlab-network-'));
    await storeChain(dir, chain);
  });
  // Each test registers its own peers, and a node forgets none: each test starts one afresh.
  beforeEach(async () => {
    self = await startTestNode({ NODE_ID: 'self', DATA_DIR: dir });
  });
  afterEach(async () => {
    await Promise.all([self.close(), ...peers.splice(0).map((started) => started.close())]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function network(path = '/network?last=30'): Promise<Member[]> {
    const { status, body } = await call(`${self.url}${path}`);
    expect(status).toBe(200);
    expectMatchesContract('GET', path, status, body);
    return body.nodes;
  }

  test('a peer holding the same chain is asked for its tip only, and shown from this node’s own blocks', async () => {
    const same = await peer({ chain, nodeId: 'same' });
    const nodes = await network();
    expect(same.requests).toEqual(['/chain/tip']);
    expect(same.bytesSent).toBeLessThan(200);
    expect(nodes.map(({ length, chain: links, error }) => ({ length, links, error }))).toEqual([
      { length: LENGTH, links: linksOf(chain, 9_971, LENGTH), error: null },
      { length: LENGTH, links: linksOf(chain, 9_971, LENGTH), error: null },
    ]);
  });

  test('a peer on a fork is asked for the blocks of the window from its tip, never for its whole chain', async () => {
    const forked = await peer({ chain: fork, nodeId: 'forked' });
    const [, member] = await network();
    expect(forked.requests).toEqual(['/chain/tip', '/chain?from=9976']);
    // 30 blocks of about 270 bytes each, not 10,005.
    expect(forked.bytesSent).toBeLessThan(30 * 400);
    expect(member).toMatchObject({ length: 10_005, chain: linksOf(fork, 9_976, 10_005), error: null });
    // Where the branches part shows within the window: the same block 9,990, a different 9,991.
    const ours = new Map(linksOf(chain, 9_971, LENGTH).map(({ index, hash }) => [index, hash]));
    const theirs = new Map(member!.chain.map(({ index, hash }) => [index, hash]));
    expect([ours.get(9_990) === theirs.get(9_990), ours.get(9_991) === theirs.get(9_991)]).toEqual([true, false]);
  });

  test('a peer behind on the same chain is asked for its tip only', async () => {
    const behind = await peer({ chain: chain.slice(0, 9_000), nodeId: 'behind' });
    const [, member] = await network();
    expect(behind.requests).toEqual(['/chain/tip']);
    expect(member).toMatchObject({ length: 9_000, chain: linksOf(chain, 8_971, 9_000), error: null });
  });

  test('a reference node (no /chain/tip) is shown from its whole chain: its last blocks, as many as asked', async () => {
    const reference = await peer({ chain, reference: true });
    const [, member] = await network();
    expect(reference.requests).toEqual(['/chain/tip', '/chain']);
    expect(reference.bytesSent).toBeGreaterThan(WHOLE_CHAIN_BYTES);
    expect(member).toMatchObject({ length: LENGTH, chain: linksOf(chain, 9_971, LENGTH), error: null });
  });

  test('a reference node whose whole chain is larger than MAX_PEER_RESPONSE_BYTES is cut off and shown without a chain', async () => {
    await using small = await startTestNode({ NODE_ID: 'small', MAX_PEER_RESPONSE_BYTES: '1048576' });
    await using reference = await startChainPeer({ chain, reference: true });
    await call(`${small.url}/nodes/register`, { json: { nodes: [reference.address] } });
    const { body } = await call(`${small.url}/network`);
    expect(body.nodes[1]).toMatchObject({ node: reference.address, length: null, chain: [], reachable: false });
    expect(reference.requests).toEqual(['/chain/tip', '/chain']);
  });

  test(`every chain is shown by at most its last ${NETWORK_BLOCKS} blocks, whatever \`last\` asks for`, async () => {
    const forked = await peer({ chain: fork, nodeId: 'forked' });
    for (const path of ['/network', '/network?last=9999999']) {
      const nodes = await network(path);
      expect(nodes.map((member) => member.chain.length)).toEqual([NETWORK_BLOCKS, NETWORK_BLOCKS]);
      expect(nodes[1]!.chain[0]!.index).toBe(10_005 - NETWORK_BLOCKS + 1);
    }
    const window = `/chain?from=${10_005 - NETWORK_BLOCKS + 1}`;
    expect(forked.requests).toEqual(['/chain/tip', window, '/chain/tip', window]);
  });
});

describe('GET /network and a peer whose window does not add up', () => {
  let self: TestNode;
  beforeEach(async () => {
    self = await startTestNode({ NODE_ID: 'self' });
  });
  afterEach(() => self.close());

  test.each([
    // One block, and a length that would fit it if it came from the position asked for.
    ['blocks from another position', (from: number) => ({ chain: [{ index: from + 1 }], length: from, from: from + 1 })],
    ['a length its blocks do not reach', (from: number) => ({ chain: [], length: 9, from })],
    ['no chain', (from: number) => ({ length: 5, from })],
  ])('one that answers the window with %s shows no chain, and why', async (_, lie) => {
    // Honest the first time, so that its exact reason is shown (see PeerSet.shownReason).
    let asked = 0;
    const windowAnswer = (from: number) => (asked++ === 0 ? undefined : lie(from));
    await using liar = await startChainPeer({ chain: buildChain(5), nodeId: 'liar', windowAnswer });
    await call(`${self.url}/nodes/register`, { json: { nodes: [liar.address] } });
    expect((await call(`${self.url}/network`)).body.nodes[1]).toMatchObject({ length: 5, error: null });
    const { body } = await call(`${self.url}/network`);
    expect(body.nodes[1]).toMatchObject({
      node_id: 'liar',
      reachable: true,
      length: null,
      chain: [],
      error: expect.stringMatching(new RegExp(`^GET ${liar.address}/chain\\?from=1: expected \\{chain, length, from: 1\\}`)),
    });
  });

  test('blocks that claim no position, or one below 1, are shown where they sit', async () => {
    const odd = buildChain(4).map((block, i) => (i === 0 ? block : { ...block, index: [0, -7, 'x'][i - 1]! }));
    await using liar = await startChainPeer({ chain: odd, nodeId: 'odd' });
    await call(`${self.url}/nodes/register`, { json: { nodes: [liar.address] } });
    const { status, body } = await call(`${self.url}/network`);
    expectMatchesContract('GET', '/network', status, body);
    expect(body.nodes[1].chain.map((link: { index: number }) => link.index)).toEqual([1, 2, 3, 4]);
  });
});
