// A full mesh of real nodes (ChainNode and Gossip) whose peer client delivers in-process: one
// block and one transaction reach every node, each node told exactly once, not by every peer.
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import type { Block, Transaction } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { toJson, type JsonValue } from '../../src/chain/py-json.ts';
import { silentLogger } from '../../src/log/log.ts';
import { ChainNode } from '../../src/node/chain-node.ts';
import { startGossip, type Gossip } from '../../src/peers/gossip.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import { PeerSet } from '../../src/peers/peer-set.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { searchingMiner } from '../support/apps.ts';
import { MAX_BLOCK_BYTES } from '../support/chains.ts';
import { eventually } from '../support/eventually.ts';

const COUNT = 12;

interface Mesh {
  nodes: ChainNode[];
  /** Gossip requests each node answered, by path. */
  answered: Map<string, number>[];
  /** Requests sent and not answered yet. */
  inFlight: () => number;
  stop(): void;
}

/** As a peer gets a body: through JSON, a copy of its own. */
function copied(body: JsonValue): Record<string, JsonValue> {
  const parsed = parseJson(toJson(body));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value as Record<string, JsonValue>;
}

function mesh(count: number): Mesh {
  const addresses = Array.from({ length: count }, (_, i) => `node${i}:5000`);
  const nodes: ChainNode[] = [];
  const answered = addresses.map(() => new Map<string, number>());
  let inFlight = 0;
  const indexOf = (peer: string) => addresses.indexOf(peer);
  const reply = (i: number, body: JsonValue): PeerReply => ({ ok: true, value: { body, nodeId: nodes[i]!.nodeId } });
  const peerClient: PeerClient = {
    getTip: async (peer) => {
      const { chain } = nodes[indexOf(peer)]!;
      return reply(indexOf(peer), { length: chain.length, hash: cachedHash(chain[chain.length - 1]!) });
    },
    getChain: async (peer, from = 1) => {
      const { chain } = nodes[indexOf(peer)]!;
      return reply(indexOf(peer), { chain: chain.slice(from - 1) as JsonValue[], length: chain.length, from });
    },
    post: async (peer, path, sent) => {
      const i = indexOf(peer);
      const node = nodes[i]!;
      const body = copied(sent);
      const limit = typeof body.limit === 'string' ? body.limit : undefined;
      answered[i]!.set(path, (answered[i]!.get(path) ?? 0) + 1);
      inFlight += 1;
      try {
        if (path === '/gossip/blocks') return reply(i, { ...(await node.receiveBlock(body.block as Block, body.length as number, limit)) });
        if (path === '/gossip/transactions')
          return reply(i, { ...(await node.receiveTransactions(body.transactions as Transaction[], limit)) });
        return reply(i, {});
      } finally {
        inFlight -= 1;
      }
    },
  };
  for (const [i] of addresses.entries()) {
    nodes.push(
      new ChainNode({
        // Ids in another order than the addresses: the ring is sorted by id.
        nodeId: `id-${((i * 5) % count).toString().padStart(2, '0')}`,
        rules: { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES },
        limits: { maxPending: 1000, maxPendingBytes: 1_000_000, maxBlockBytes: MAX_BLOCK_BYTES },
        blockchain: new Blockchain(),
        store: new MemoryStore(),
        miner: searchingMiner,
        peers: new PeerSet({ maxPeers: 64 }),
        peerClient,
        clock: () => 1_700_000_000,
        log: silentLogger,
      }),
    );
  }
  const gossips: Gossip[] = [];
  for (const [i, node] of nodes.entries()) {
    node.registerPeers(
      addresses.filter((_, j) => j !== i),
      'config',
    );
    gossips.push(
      startGossip({ node, peerClient, log: silentLogger, advertiseAddress: addresses[i]!, syncIntervalMs: 0, maxBatchBytes: 65_536 }),
    );
  }
  return { nodes, answered, inFlight: () => inFlight, stop: () => gossips.forEach((gossip) => gossip.stop()) };
}

/** Until nothing is in flight, several turns of the event loop running: relays go out a turn after their news. */
async function quiet(inFlight: () => number): Promise<void> {
  for (let calm = 0; calm < 10; calm = inFlight() === 0 ? calm + 1 : 0) await new Promise(setImmediate);
}

describe(`a full mesh of ${COUNT} nodes`, () => {
  test('a block mined on one reaches all, each told once; so does a transaction a client gives one', async () => {
    const { nodes, answered, inFlight, stop } = mesh(COUNT);
    try {
      // Each node's first sync learns its peers' ids: from then on all place them alike on the ring.
      await eventually(() => nodes.every((node) => node.peerStatuses().every((peer) => peer.nodeId !== undefined)));
      const block = await nodes[3]!.mine();
      await eventually(() => nodes.every((node) => node.chain.length === 2));
      await quiet(inFlight);
      expect(nodes.map((node) => node.chain[1])).toEqual(nodes.map(() => block));
      expect(answered.map((paths) => paths.get('/gossip/blocks') ?? 0)).toEqual(nodes.map((_, i) => (i === 3 ? 0 : 1)));

      const outcome = await nodes[7]!.addTransaction({ sender: 'x', recipient: 'y', amount: 1 });
      await eventually(() => nodes.every((node) => node.pending.length === 1));
      await quiet(inFlight);
      expect(nodes.map((node) => node.pending[0]!.id)).toEqual(nodes.map(() => (outcome as { transaction: Transaction }).transaction.id));
      expect(answered.map((paths) => paths.get('/gossip/transactions') ?? 0)).toEqual(nodes.map((_, i) => (i === 7 ? 0 : 1)));
    } finally {
      stop();
    }
  });
});
