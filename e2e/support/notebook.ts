import { createHash } from 'node:crypto';
import { eventually } from '../../test/support/eventually.ts';
import { getJson, postJson, type Reply } from './http.ts';
import { NODE_NAMES, otherNodes, peerAddress, type NodeName, type NodeUrls } from './nodes.ts';

export interface Transaction {
  sender: string;
  recipient: string;
  amount: number;
  /** Given by the node that accepted it (or chosen by the client); mining rewards have none. */
  id?: string;
}

export interface Block {
  index: number;
  timestamp: number;
  transactions: Transaction[];
  proof: number;
  previous_hash: string | number;
}

/** The transaction the notebook sends to node1. */
export const NOTEBOOK_TRANSACTION: Transaction = {
  sender: 'd4ee26eee15148ee92c6cd394edd974e',
  recipient: 'someone-other-address',
  amount: 5,
};

/** An id as a node assigns it when the client chose none: 32 hex digits. */
export function assignedId(): unknown {
  return expect.stringMatching(/^[0-9a-f]{32}$/);
}

/** How long gossip may take to carry a block or a transaction to every node: generous, the bench measures it. */
const GOSSIP_TIMEOUT_MS = 10_000;

type Outcome = 'authoritative' | 'replaced';

/**
 * Plays the seed notebook's sequence against three running nodes (NODE_ID = their name,
 * difficulty 4, GOSSIP=off) and checks every status and body. Returns the chain all three agree on.
 * Only nodes that gossip nothing play it: node2 mines on a chain that lacks node1's block.
 */
export async function playNotebook(urls: NodeUrls): Promise<Block[]> {
  await step('register peers', () => registerPeers(urls));
  await step('new transaction on node1', () => newTransaction(urls.node1));
  await step('chains before mining', () => expectChainLengths(urls, 1));
  await step('resolve before mining', () => resolveAll(urls, { node1: 'authoritative', node2: 'authoritative', node3: 'authoritative' }));

  await step('mine on node1', () => mine(urls.node1, 'node1', [NOTEBOOK_TRANSACTION]));
  const [node1Chain] = await step('chain of node1 after mining', () => expectChainLengths({ node1: urls.node1 }, 2));

  await step('mine on node2', () => mine(urls.node2, 'node2', []));
  // node1 and node2 now hold different chains of length 2. node3 asks its peers in the order they
  // were registered and only a strictly longer chain wins, so it adopts node1's (the first listed).
  await step('resolve after node2 mined', async () => {
    const held = await resolveAll(urls, { node1: 'authoritative', node2: 'authoritative', node3: 'replaced' });
    expect(held.node3).toEqual(node1Chain);
  });

  await step('mine on node3', () => mine(urls.node3, 'node3', []));
  await step('resolve after node3 mined', () => resolveAll(urls, { node1: 'replaced', node2: 'replaced', node3: 'authoritative' }));

  return step('one chain at the end, holding the transaction', async () => {
    const [node1, node2, node3] = await expectChainLengths(urls, 3);
    expect(node2).toEqual(node1);
    expect(node3).toEqual(node1);
    expect(node1!.flatMap((block) => block.transactions)).toContainEqual({ ...NOTEBOOK_TRANSACTION, id: assignedId() });
    return node1!;
  });
}

/**
 * The notebook's walk-through on nodes that gossip (GOSSIP=on, the default): the same requests,
 * but nobody needs to call /nodes/resolve. The transaction sent to node1 reaches every pending
 * pool, the block node1 mines reaches node2 and node3, node2 then mines on top of it, and a resolve
 * afterwards finds nothing to change. Returns the chain all three agree on.
 */
export async function playGossipNotebook(urls: NodeUrls): Promise<Block[]> {
  await step('register peers', () => registerPeers(urls, { anyOrder: true }));
  const id = await step('new transaction on node1', () => newTransaction(urls.node1));
  await step('the transaction reaches every pending pool', () =>
    eventually(
      async () => {
        for (const name of NODE_NAMES) expect(await pendingIdsOf(urls[name])).toEqual([id]);
      },
      { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: 100 },
    ),
  );

  await step('mine on node1', () => mine(urls.node1, 'node1', [NOTEBOOK_TRANSACTION]));
  const [node1Chain] = await step('chain of node1 after mining', () => expectChainLengths({ node1: urls.node1 }, 2));
  await step("node1's block reaches node2 and node3 without a resolve", () =>
    eventually(
      async () => {
        const [, node2, node3] = await expectChainLengths(urls, 2);
        expect(node2).toEqual(node1Chain);
        expect(node3).toEqual(node1Chain);
        for (const name of NODE_NAMES) expect(await pendingIdsOf(urls[name])).toEqual([]);
      },
      { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: 100 },
    ),
  );

  // node2 holds node1's block already, so its block is the third, and its pool is empty.
  await step('mine on node2', () => mine(urls.node2, 'node2', []));
  await step("node2's block reaches node1 and node3 without a resolve", () =>
    eventually(
      async () => {
        const [node1, node2, node3] = await expectChainLengths(urls, 3);
        expect(node1).toEqual(node2);
        expect(node3).toEqual(node2);
      },
      { timeoutMs: GOSSIP_TIMEOUT_MS, intervalMs: 100 },
    ),
  );
  await step('resolve finds nothing longer', () =>
    resolveAll(urls, { node1: 'authoritative', node2: 'authoritative', node3: 'authoritative' }),
  );

  return step('one chain at the end, holding the transaction once', async () => {
    const [node1, node2, node3] = await expectChainLengths(urls, 3);
    expect(node2).toEqual(node1);
    expect(node3).toEqual(node1);
    const transactions = node1!.flatMap((block) => block.transactions);
    expect(transactions.filter((transaction) => transaction.id === id)).toEqual([{ ...NOTEBOOK_TRANSACTION, id }]);
    return node1!;
  });
}

/** Prefixes a failure with the notebook step it happened in. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error) error.message = `notebook step '${name}': ${error.message}`;
    throw error;
  }
}

/**
 * Registers each node's two peers. With `anyOrder`, the peers may already be known, in the order
 * they introduced themselves.
 */
async function registerPeers(urls: NodeUrls, { anyOrder = false } = {}): Promise<void> {
  for (const name of NODE_NAMES) {
    const peers = otherNodes(name).map(peerAddress);
    const reply = await postJson(`${urls[name]}/nodes/register`, { nodes: peers.map((peer) => `http://${peer}`) });
    expect(reply).toEqual({ status: 201, body: { message: 'New nodes have been added', total_nodes: expect.any(Array) } });
    const totalNodes = (reply.body as { total_nodes: string[] }).total_nodes;
    expect(anyOrder ? [...totalNodes].sort() : totalNodes).toEqual(peers); // peers come sorted, as NODE_NAMES
  }
}

/** POST the notebook's transaction; returns the id the node gave it. */
async function newTransaction(url: string): Promise<string> {
  const reply = await postJson(`${url}/transactions/new`, NOTEBOOK_TRANSACTION);
  expect(reply).toEqual({ status: 201, body: { message: 'Transaction will be added to Block 2', id: assignedId() } });
  return (reply.body as { id: string }).id;
}

async function pendingIdsOf(url: string): Promise<(string | undefined)[]> {
  const reply = await getJson(`${url}/transactions/pending`);
  expect(reply.status).toBe(200);
  return (reply.body as { transactions: Transaction[] }).transactions.map((transaction) => transaction.id);
}

/** GET /chain on each node given; every chain must have `length` blocks. Returns them in order. */
async function expectChainLengths(urls: Partial<NodeUrls>, length: number): Promise<Block[][]> {
  const chains: Block[][] = [];
  for (const url of Object.values(urls)) {
    const reply = await getJson(`${url}/chain`);
    expect(reply).toEqual({ status: 200, body: { chain: expect.any(Array), length } });
    const { chain } = reply.body as { chain: Block[] };
    expect(chain).toHaveLength(length);
    expect(chain[0]).toEqual({ index: 1, timestamp: expect.any(Number), transactions: [], proof: 100, previous_hash: 1 });
    chains.push(chain);
  }
  return chains;
}

/** GET /mine; the block holds `pooled` then the reward, has a valid proof and tops the node's chain. */
async function mine(url: string, nodeId: NodeName, pooled: Transaction[]): Promise<void> {
  const before = await chainOf(url);
  const tip = before[before.length - 1]!;
  const reply = await getJson(`${url}/mine`);
  expect(reply).toEqual({
    status: 200,
    body: {
      message: 'New Block Forged',
      index: tip.index + 1,
      transactions: [...pooled.map((transaction) => ({ ...transaction, id: assignedId() })), { sender: '0', recipient: nodeId, amount: 1 }],
      proof: expect.any(Number),
      previous_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    },
  });
  const { message: _, ...mined } = reply.body as Block & { message: string };
  expect(validProof(tip.proof, mined.proof)).toBe(true);
  const after = await chainOf(url);
  expect(after).toHaveLength(before.length + 1);
  expect(after[after.length - 1]).toEqual({ ...mined, timestamp: expect.any(Number) });
}

/** GET /nodes/resolve on every node, in order; returns the chain each one holds afterwards. */
async function resolveAll(urls: NodeUrls, expected: Record<NodeName, Outcome>): Promise<Record<NodeName, Block[]>> {
  const chains: Partial<Record<NodeName, Block[]>> = {};
  for (const name of NODE_NAMES) {
    chains[name] = await resolve(urls[name], expected[name]);
  }
  return chains as Record<NodeName, Block[]>;
}

async function resolve(url: string, outcome: Outcome): Promise<Block[]> {
  const reply = await getJson(`${url}/nodes/resolve`);
  const body =
    outcome === 'replaced'
      ? { message: 'Our chain was replaced', new_chain: expect.any(Array), skipped: [] }
      : { message: 'Our chain is authoritative', chain: expect.any(Array), skipped: [] };
  expect(reply).toEqual({ status: 200, body });
  const { chain, new_chain } = reply.body as { chain?: Block[]; new_chain?: Block[] };
  const held = (new_chain ?? chain)!;
  expect(await chainOf(url)).toEqual(held);
  return held;
}

async function chainOf(url: string): Promise<Block[]> {
  const reply: Reply = await getJson(`${url}/chain`);
  expect(reply.status).toBe(200);
  return (reply.body as { chain: Block[] }).chain;
}

/** The reference's valid_proof at difficulty 4: sha256 of the two proofs' digits starts with 0000. */
function validProof(lastProof: number, proof: number): boolean {
  return createHash('sha256').update(`${lastProof}${proof}`).digest('hex').startsWith('0000');
}
