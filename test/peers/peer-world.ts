// Stand-in peers for the unit tests of test/peers: a node whose peer client answers from a table
// the test fills, so a sync meets honest peers, liars and silence without a socket.
import type { Block } from '../../src/chain/block.ts';
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import type { JsonValue } from '../../src/chain/py-json.ts';
import { ChainNode } from '../../src/node/chain-node.ts';
import type { PeerClient, PeerReply } from '../../src/peers/peer-client.ts';
import type { Lookup } from '../../src/peers/peer-discovery.ts';
import { PeerSet } from '../../src/peers/peer-set.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { silentLogger, type Logger } from '../../src/log/log.ts';
import { idleMiner } from '../support/apps.ts';
import { MAX_BLOCK_BYTES } from '../support/chains.ts';

/** A peer as the table has it: the id it gives, and the chain it serves. */
export interface StandIn {
  nodeId: string | undefined;
  chain: readonly Block[];
}

export interface PeerWorld {
  node: ChainNode;
  peers: PeerSet;
  /** Who answers at each address; any other address does not answer. */
  standIns: Map<string, StandIn>;
  /** Every address asked, one entry per request. */
  asked: string[];
  /** The clock the node reads, in seconds; tests move it on. */
  clock: { now: number };
}

export function peerWorld({
  maxPeers = 64,
  lookup,
  log = silentLogger,
}: { maxPeers?: number; lookup?: Lookup; log?: Logger } = {}): PeerWorld {
  const standIns = new Map<string, StandIn>();
  const asked: string[] = [];
  const clock = { now: 1_700_000_000 };
  const reply = (peer: string, path: string, body: (standIn: StandIn) => JsonValue): PeerReply => {
    asked.push(peer);
    const standIn = standIns.get(peer);
    if (standIn === undefined)
      return { ok: false, answered: false, reason: `GET ${peer}${path}: unreachable (connect ECONNREFUSED ${peer})` };
    return { ok: true, value: { body: body(standIn), nodeId: standIn.nodeId } };
  };
  const peerClient: PeerClient = {
    getTip: async (peer) =>
      reply(peer, '/chain/tip', ({ chain }) => ({ length: chain.length, hash: cachedHash(chain[chain.length - 1]!) })),
    getChain: async (peer, from = 1) =>
      reply(peer, '/chain', ({ chain }) => ({ chain: chain.slice(from - 1) as JsonValue[], length: chain.length, from })),
    post: async (peer) => reply(peer, '/nodes/register', () => ({})),
  };
  const peers = new PeerSet({ maxPeers });
  const node = new ChainNode({
    nodeId: 'victim',
    rules: { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES },
    limits: { maxPending: 100_000, maxPendingBytes: 33_554_432, maxBlockBytes: MAX_BLOCK_BYTES },
    blockchain: new Blockchain(),
    store: new MemoryStore(),
    miner: idleMiner,
    peers,
    peerClient,
    ...(lookup === undefined ? {} : { lookup }),
    clock: () => clock.now,
    log,
  });
  return { node, peers, standIns, asked, clock };
}

/** A DNS from a table: a name not in it does not resolve. */
export function fakeDns(answers: Record<string, string[]>): Lookup {
  return async (host) => {
    const answer = answers[host];
    if (answer === undefined) throw new Error(`ENOTFOUND ${host}`);
    return answer;
  };
}

/** Ways to write one byte of an IPv4 address that the WHATWG URL parser reads as that byte. */
function byteSpellings(value: number): string[] {
  const hex = value.toString(16);
  return [String(value), `0x${hex}`, `0X${hex.toUpperCase()}`, `0x0${hex}`, `0${value.toString(8)}`, `00${value.toString(8)}`];
}

/** At least `count` distinct spellings of 127.0.0.1:5000. */
export function loopbackSpellings(count: number): string[] {
  const spellings = new Set<string>(['127.1:5000', '2130706433:5000', '0x7f000001:5000', '[::ffff:127.0.0.1]:5000', '127.0.0.1.:5000']);
  for (const a of byteSpellings(127))
    for (const b of byteSpellings(0))
      for (const c of byteSpellings(0))
        for (const d of byteSpellings(1)) {
          spellings.add(`${a}.${b}.${c}.${d}:5000`);
          spellings.add(`http://${a}.${b}.${c}.${d}:5000`);
        }
  return [...spellings].slice(0, count);
}
