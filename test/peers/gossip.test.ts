// Nodes that converge by themselves: announcements, passed-on transactions, introductions, catch-up.
import type { IncomingMessage } from 'node:http';
import type { Block } from '../../src/chain/block.ts';
import { pythonStr, toJson } from '../../src/chain/py-json.ts';
import { searchProof } from '../../src/chain/proof-of-work.ts';
import type { Miner } from '../../src/node/miner.ts';
import { freePort } from '../../e2e/support/ports.ts';
import { capturingLogger, createTestApp } from '../support/apps.ts';
import { buildChain } from '../support/chains.ts';
import { eventually as eventuallyWithin } from '../support/eventually.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';

jest.setTimeout(30_000);

type TestNode = Awaited<ReturnType<typeof startTestNode>>;

/** Polling at in-process pace: every 25 ms, for up to 10 s. */
const eventually = (check: () => boolean | Promise<void>) => eventuallyWithin(check, { timeoutMs: 10_000, intervalMs: 25 });

const GOSSIP = { GOSSIP: 'on', SYNC_INTERVAL_MS: '200', PEER_TIMEOUT_MS: '1000' };

describe('gossip between in-process nodes', () => {
  let nodes: TestNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    nodes = [];
  });

  /** Three gossiping nodes; only the first is told of the others, who learn of it from its introductions. */
  async function network(): Promise<[TestNode, TestNode, TestNode]> {
    const b = await startTestNode({ ...GOSSIP, NODE_ID: 'b' });
    const c = await startTestNode({ ...GOSSIP, NODE_ID: 'c' });
    const a = await startTestNode({ ...GOSSIP, NODE_ID: 'a', PEERS: `${b.address},${c.address}` });
    nodes.push(a, b, c);
    return [a, b, c];
  }

  const chainOf = async (node: TestNode): Promise<Block[]> => (await call(`${node.url}/chain`)).body.chain;
  const pendingOf = async (node: TestNode) => (await call(`${node.url}/transactions/pending`)).body.transactions;

  test('a node introduces itself to its peers, so registration works both ways', async () => {
    const [a, b, c] = await network();
    await eventually(async () => {
      expect((await call(`${b.url}/health`)).body.peers).toEqual([a.address]);
      expect((await call(`${c.url}/health`)).body.peers).toEqual([a.address]);
    });
  });

  test('a node keeps introducing itself, with backoff, to a peer that is down, and passes the pool on once it comes up', async () => {
    const port = await freePort();
    const { log, lines } = capturingLogger('debug');
    const a = await startTestNode({ ...GOSSIP, NODE_ID: 'a', PEERS: `127.0.0.1:${port}` }, log);
    nodes.push(a);
    const { body } = await call(`${a.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 1 } });
    // Known to be down: out of the broadcast tree until a sync finds it up, then owed the pool.
    await eventually(() => lines.some((line) => String(line.msg).startsWith(`peer 127.0.0.1:${port} skipped`)));
    const b = await startTestNode({ ...GOSSIP, NODE_ID: 'b', PORT: String(port) });
    nodes.push(b);
    await eventually(async () => expect((await call(`${b.url}/health`)).body.peers).toEqual([a.address]));
    await eventually(async () => expect(await pendingOf(b)).toEqual([{ sender: 'x', recipient: 'y', amount: 1, id: body.id }]));
    const [status] = (await call(`${a.url}/nodes`)).body.nodes;
    expect(status).toMatchObject({ node: b.address, reachable: true, length: 1 });
  });

  test('a block mined on one node reaches the others without anyone calling resolve', async () => {
    const [a, b, c] = await network();
    const mined = await call(`${b.url}/mine`);
    expect(mined.status).toBe(200);
    await eventually(async () => {
      for (const node of [a, c]) expect(await chainOf(node)).toEqual(await chainOf(b));
    });
  });

  test('a transaction accepted by one node reaches every pool, and is mined into one block once', async () => {
    const [a, b, c] = await network();
    await eventually(async () => expect((await call(`${c.url}/health`)).body.peers).toEqual([a.address]));
    const { body } = await call(`${c.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 3 } });
    const transaction = { sender: 'x', recipient: 'y', amount: 3, id: body.id };
    await eventually(async () => {
      for (const node of [a, b, c]) expect(await pendingOf(node)).toEqual([transaction]);
    });

    await call(`${a.url}/mine`);
    await eventually(async () => {
      for (const node of [a, b, c]) {
        expect(await pendingOf(node)).toEqual([]);
        const held = (await chainOf(node)).flatMap((block) => block.transactions as unknown[]);
        expect(held.filter((t) => (t as { id?: string }).id === body.id)).toHaveLength(1);
      }
    });
    // Mined elsewhere, it is not mined again here.
    const next = await call(`${b.url}/mine`);
    expect(next.body.transactions).toEqual([{ sender: '0', recipient: 'b', amount: 1 }]);
  });

  test('a node that missed blocks while away catches up from the announcements and the periodic sync', async () => {
    const [a, b] = await network();
    await b.close();
    nodes.splice(nodes.indexOf(b), 1);
    for (let i = 0; i < 3; i++) await call(`${a.url}/mine`);
    const late = await startTestNode({ ...GOSSIP, NODE_ID: 'late', PEERS: a.address });
    nodes.push(late);
    await eventually(async () => expect(await chainOf(late)).toEqual(await chainOf(a)));
  });

  test('the transaction of a block dropped for a longer chain goes back to the pool', async () => {
    const b = await startTestNode({ NODE_ID: 'b' }); // not gossiping: it mines on its own
    nodes.push(b);
    const { body } = await call(`${b.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 1 } });
    await call(`${b.url}/mine`);
    const a = await startTestNode({ ...GOSSIP, NODE_ID: 'a' });
    nodes.push(a);
    for (let i = 0; i < 2; i++) await call(`${a.url}/mine`);

    await call(`${b.url}/nodes/register`, { json: { nodes: [a.address] } });
    const resolved = await call(`${b.url}/nodes/resolve`);
    expect(resolved.body.message).toBe('Our chain was replaced');
    expect(await pendingOf(b)).toEqual([{ sender: 'x', recipient: 'y', amount: 1, id: body.id }]);
  });
});

describe('catching up fetches only the blocks a node lacks', () => {
  /** A chainlab-like peer serving `chain` that records every path it was asked for. */
  async function recordingPeer(chain: Block[]) {
    const asked: string[] = [];
    const peer = await startFakePeer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? '/', 'http://peer');
      asked.push(url.pathname + url.search);
      const from = url.searchParams.get('from');
      const body =
        url.pathname === '/chain/tip'
          ? { length: chain.length, hash: 'not checked' }
          : from === null
            ? { chain, length: chain.length }
            : { chain: chain.slice(Number(from) - 1), length: chain.length, from: Number(from) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(toJson(body as never));
    });
    return { ...peer, asked };
  }

  test('a node 30 blocks behind asks for its tip, then for blocks 2 on: never the whole chain', async () => {
    const chain = buildChain(31);
    await using peer = await recordingPeer(chain);
    await using node = await startTestNode();
    await call(`${node.url}/nodes/register`, { json: { nodes: [peer.address] } });
    const { body } = await call(`${node.url}/nodes/resolve`);
    expect(body).toMatchObject({ message: 'Our chain was replaced', skipped: [] });
    expect(body.new_chain).toEqual(JSON.parse(toJson(chain)));
    expect(peer.asked).toEqual(['/chain/tip', '/chain?from=2']);
  });

  test('after a fork, it steps back until the chains meet, then takes only the rest', async () => {
    const theirs = buildChain(9, { miner: 'them' });
    await using peer = await recordingPeer(theirs);
    await using node = await startTestNode();
    // Ours: their first 3 blocks, then 3 of our own.
    for (const length of [2, 3])
      await call(`${node.url}/gossip/blocks`, { json: JSON.parse(toJson({ block: theirs[length - 1]!, length })) });
    for (let i = 0; i < 3; i++) await call(`${node.url}/mine`);
    await call(`${node.url}/nodes/register`, { json: { nodes: [peer.address] } });
    const { body } = await call(`${node.url}/nodes/resolve`);
    expect(body.message).toBe('Our chain was replaced');
    expect(body.new_chain).toEqual(JSON.parse(toJson(theirs)));
    // From 7 (just past our tip), back 1, 2, then 4 blocks: from 3 on, the peer's blocks follow our block 2.
    expect(peer.asked).toEqual(['/chain/tip', '/chain?from=7', '/chain?from=6', '/chain?from=5', '/chain?from=3']);
  });

  test('an announced block that extends the tip is appended; a bad one is refused with a reason', async () => {
    const chain = buildChain(3);
    await using node = await startTestNode();
    const announce = (block: Block, length: number) => call(`${node.url}/gossip/blocks`, { json: JSON.parse(toJson({ block, length })) });
    expect((await announce(chain[1]!, 2)).body).toEqual({ status: 'appended', length: 2 });
    expect((await announce(chain[1]!, 2)).body).toEqual({ status: 'known', length: 2 });
    const forged = { ...chain[2]!, proof: 1 };
    const refused = await announce(forged, 3);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^block rejected: block 3: proof 1 is not valid after block 2/);
    expect((await call(`${node.url}/chain`)).body.length).toBe(2);
  });
});

describe('chain changes are serialised', () => {
  test('a proof search under way when the tip changes is abandoned and started again on the new tip', async () => {
    const searchedAfter: string[] = [];
    let searching: () => void;
    const started = new Promise<void>((resolve) => (searching = resolve));
    const miner: Miner = {
      proofOfWork({ lastProof }, _rules, { signal } = {}) {
        searchedAfter.push(lastProof);
        searching();
        // The first search never ends by itself: only the abort ends it.
        if (searchedAfter.length === 1)
          return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
        return Promise.resolve(searchProof(lastProof, 4, 0, Number.MAX_SAFE_INTEGER, '')!);
      },
      close: async () => {},
    };
    const { node } = createTestApp({ miner });
    const mining = node.mine();
    await started;
    const peerBlock = buildChain(2)[1]!;
    expect(await node.receiveBlock(peerBlock, 2)).toEqual({ status: 'appended' });

    const block = await mining;
    expect(searchedAfter).toEqual(['100', pythonStr(peerBlock.proof)]);
    expect(block.index).toBe(3);
    expect(node.chain.map((b) => b.index)).toEqual([1, 2, 3]);
    expect(node.chain[1]).toBe(peerBlock);
  });
});
