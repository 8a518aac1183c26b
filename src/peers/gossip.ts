import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../log/log.ts';
import { subscribe, type NodeEvents, type Relay } from '../node/node-events.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import { blockKey, branches, FANOUT, handOver, ringKey, widerLimit, type Branch } from './broadcast-tree.ts';
import type { PeerClient } from './peer-client.ts';
import { PeerLink, type PeerLinkContext } from './peer-link.ts';
import type { PeerStatus } from './peer-set.ts';

/** What gossip needs of the node: its id (its place on the ring), its events, its tip and pool to pass on, its peers, and a sync to start. */
export interface GossipNode {
  readonly nodeId: string;
  readonly events: EventEmitter<NodeEvents>;
  readonly chain: readonly Block[];
  readonly pending: readonly Transaction[];
  pendingTransaction(key: string): Transaction | undefined;
  peerStatuses(): readonly PeerStatus[];
  sync(): Promise<unknown>;
}

export interface GossipOptions {
  node: GossipNode;
  peerClient: PeerClient;
  log: Logger;
  /** The `host:port` this node gives when it introduces itself to a peer. */
  advertiseAddress: string;
  /** How often to sync with the peers regardless of announcements (0: never). */
  syncIntervalMs: number;
  /** Waits between retries to a peer that failed: doubling from `minMs` up to `maxMs`. */
  retry?: { minMs: number; maxMs: number };
  /** Most bytes of JSON in one batch of passed-on transactions: peers take gossip bodies somewhat larger than a block. */
  maxBatchBytes: number;
  /** Segments a node splits its range of the ring into (see broadcast-tree.ts); FANOUT unless a test wants another. */
  fanout?: number;
  /** A node's place on the ring for a block (blockKey); a test may place nodes by id, to read its trees. */
  placeForBlock?: (name: string, blockHash: string) => string;
}

/** Members tried in turn for one segment when its head cannot be told: past that, the periodic sync catches the segment up. */
export const MAX_HAND_OVERS = 2;

/** A peer as a member of the ring: its key there (its id, or its address while its id is not known). */
interface Member {
  key: string;
  peer: string;
}

/**
 * What a node does on its own initiative, so that the network converges without anyone calling
 * /nodes/resolve:
 * - news spreads over a broadcast tree over the sorted membership (El-Ansary et al., IPTPS 2003:
 *   see broadcast-tree.ts), so that it costs each node a few requests, about log2(N) hops in all,
 *   rather than one per peer. A node is the origin of the blocks it mines, of the transactions
 *   clients give it, and of a chain it adopts that no announcement asked for (a heal): those go to
 *   the whole ring. What a peer's message brings it (a block it appended, a chain it adopted because
 *   of the message, transactions it newly pooled) it relays over the range the message gave it.
 *   Only news is relayed, so a peer cannot make the node amplify what it sends;
 * - blocks go as POST /gossip/blocks, which the peer appends, or syncs; a peer that cannot be told
 *   (down, failing, or not taking gossip) has its range passed to the next member of it;
 * - transactions go as POST /gossip/transactions, batched per peer (by count and bytes) and retried
 *   with backoff until the peer has them (see PeerLink); a peer that comes back gets the whole pool;
 * - it introduces itself to every peer it learns of (POST /nodes/register), so registration works
 *   both ways, retrying with backoff until the peer is up;
 * - every `syncIntervalMs` it syncs: asks each peer its tip and catches up from the longest. This
 *   is what heals a partition, or a missed announcement: nodes whose views of the membership differ
 *   (one knows fewer peers) can miss one in the tree, and the sync repairs it.
 * A peer that does not speak gossip (the reference node: 404) still gets introductions and is still
 * synced with; announcements and transactions are not sent to it again.
 *
 * What this node owes each peer is that peer's PeerLink; gossip keeps one per registered peer.
 */
export class Gossip {
  readonly #node: GossipNode;
  readonly #context: PeerLinkContext;
  readonly #links = new Map<string, PeerLink>();
  readonly #unsubscribe: () => void;
  readonly #syncTimer: NodeJS.Timeout | undefined;
  readonly #fanout: number;
  /** This node's key on the ring of transactions. */
  readonly #self: string;
  readonly #placeForBlock: (name: string, blockHash: string) => string;
  /** The tip owed an announcement this turn of the event loop, and the widest range it is owed to (in that block's ring). */
  #owedAnnouncement: { tip: string; limit: string } | undefined;
  /** Transactions to pass on at the end of this turn, by the limit of the range they are owed to. */
  readonly #spreading = new Map<string, string[]>();
  #stopped = false;

  /** Starts at once: links to the node's peers, listens to the node, and syncs. */
  constructor({
    node,
    peerClient,
    log,
    advertiseAddress,
    syncIntervalMs,
    maxBatchBytes,
    retry = { minMs: 500, maxMs: 30_000 },
    fanout = FANOUT,
    placeForBlock = blockKey,
  }: GossipOptions) {
    this.#node = node;
    this.#fanout = fanout;
    this.#placeForBlock = placeForBlock;
    this.#self = ringKey(node.nodeId);
    const handOverTransactions = (peer: string, keys: readonly string[], limit: string) => this.#handOverTransactions(peer, keys, limit);
    this.#context = {
      pool: node,
      peerClient,
      log,
      advertiseAddress,
      retry,
      maxBatchBytes,
      silent: new Set(),
      handOver: handOverTransactions,
    };
    this.#unsubscribe = subscribe(node.events, {
      mined: () => this.#announce('origin'),
      appended: ({ relay }) => this.#announce(relay),
      replaced: ({ returned }) => {
        // Announced to the whole ring: a range an announcement gave is drawn on that block's ring,
        // and the tip adopted may be a later block. Peers that have it answer 'known'.
        // The transactions of dropped blocks are pending again here; peers that adopted the same chain have them back too, or not.
        this.#announce('origin');
        this.#spread(returned, 'origin');
      },
      transaction: ({ transaction, relay }) => this.#spread([transaction], relay ?? 'origin'),
      peers: ({ peers }) => this.#link(peers),
    });
    this.#link(node.peerStatuses());
    // Nobody waits for these syncs: a round that failed is logged by the sync itself, and must not
    // become an unhandled rejection, which would end the process.
    const syncUnattended = () => void node.sync().catch(() => undefined);
    this.#syncTimer = syncIntervalMs > 0 ? setInterval(syncUnattended, syncIntervalMs).unref() : undefined;
    if (this.#links.size > 0) syncUnattended();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#syncTimer);
    for (const link of this.#links.values()) link.close();
    this.#unsubscribe();
  }

  /**
   * Announces the tip over the range `relay` owes it to, on the tip's own ring (see blockKey).
   * Several changes in one turn of the event loop make one announcement: over the widest range owed
   * when they are news of one block, to the whole ring when the tip moved on meanwhile.
   */
  #announce(relay: Relay): void {
    if (relay === 'none') return;
    const tip = this.#tipHash();
    const self = this.#placeForBlock(this.#node.nodeId, tip);
    const limit = relay === 'origin' ? self : relay.limit;
    const owed = this.#owedAnnouncement;
    if (owed !== undefined) {
      owed.limit = owed.tip === tip ? widerLimit(self, owed.limit, limit)! : self;
      owed.tip = tip;
      return;
    }
    this.#owedAnnouncement = { tip, limit };
    setImmediate(() => {
      const { tip, limit } = this.#owedAnnouncement!;
      this.#owedAnnouncement = undefined;
      if (this.#stopped) return;
      const { chain } = this.#node;
      const block = chain[chain.length - 1]!;
      const now = cachedHash(block);
      const self = this.#placeForBlock(this.#node.nodeId, now);
      const members = this.#members((name) => this.#placeForBlock(name, now));
      for (const branch of branches(self, members, now === tip ? limit : self, this.#fanout))
        void this.#announceTo(branch, members, block, chain.length, 0);
    });
  }

  /**
   * Tells one member of the ring of the tip. One that cannot be told has its range passed to the
   * next member of it, at most MAX_HAND_OVERS times: a run of dead or hostile peers costs a
   * bounded number of requests, and the segment past them waits for its syncs.
   */
  async #announceTo(
    { member, limit }: Branch<Member>,
    members: readonly Member[],
    block: Block,
    length: number,
    handedOver: number,
  ): Promise<void> {
    const told = (await this.#links.get(member.peer)?.announceBlock(block, length, limit)) ?? false;
    if (told || this.#stopped) return;
    if (handedOver >= MAX_HAND_OVERS) {
      this.#context.log.debug(
        { peer: member.peer },
        `${member.peer} could not be told of block ${length}; its part of the ring waits for its syncs`,
      );
      return;
    }
    const next = handOver(member.key, members, limit);
    if (next !== undefined) return this.#announceTo(next, members, block, length, handedOver + 1);
  }

  #tipHash(): string {
    const { chain } = this.#node;
    return cachedHash(chain[chain.length - 1]!);
  }

  /** Owes `transactions` over the range `relay` gives, passed on at the end of this turn, all of them in one go. */
  #spread(transactions: readonly Transaction[], relay: Relay): void {
    if (relay === 'none' || transactions.length === 0) return;
    const limit = this.#limitOf(relay);
    const first = this.#spreading.size === 0;
    const keys = this.#spreading.get(limit) ?? [];
    if (keys.length === 0) this.#spreading.set(limit, keys);
    keys.push(...transactions.map(transactionKey));
    if (!first) return;
    setImmediate(() => {
      if (this.#stopped) return;
      const members = this.#members(ringKey);
      for (const [limit, keys] of this.#spreading)
        for (const { member, limit: branchLimit } of branches(this.#self, members, limit, this.#fanout))
          this.#links.get(member.peer)?.sendTransactions(keys, branchLimit);
      this.#spreading.clear();
    });
  }

  /** Transactions `peer` was to pass on up to `limit` but cannot be told: the next member of its range is owed them. */
  #handOverTransactions(peer: string, keys: readonly string[], limit: string): void {
    if (this.#stopped) return;
    const status = this.#node.peerStatuses().find(({ node }) => node === peer);
    const members = this.#members(ringKey).filter((member) => member.peer !== peer);
    const next = handOver(ringKey(status?.nodeId ?? peer), members, limit);
    if (next !== undefined) this.#links.get(next.member.peer)?.sendTransactions(keys, next.limit);
  }

  /** The limit a relay owes news to: this node's own key (the whole ring) as origin. */
  #limitOf(relay: Exclude<Relay, 'none'>): string {
    return relay === 'origin' ? this.#self : relay.limit;
  }

  /**
   * The peers on the ring, by `place` (their key for transactions, or for one block): those this
   * node has a link to, but not the ones that take no gossip (a reference node) or that are known
   * to be down, who are caught up by their syncs.
   */
  #members(place: (name: string) => string): Member[] {
    const { silent } = this.#context;
    const statuses = this.#node.peerStatuses();
    // Ids are anyone's to claim: peers claiming one id (a victim's, by a liar) would share one place,
    // and the ring keeps one member a place. Each of them sits by its address instead, so all are told.
    const claims = new Map<string, number>();
    for (const { nodeId } of statuses) if (nodeId !== undefined) claims.set(nodeId, (claims.get(nodeId) ?? 0) + 1);
    return statuses
      .filter(({ node: peer, reachable }) => reachable !== false && !silent.has(peer) && this.#links.has(peer))
      .map(({ node: peer, nodeId }) => ({ key: place(nodeId !== undefined && claims.get(nodeId) === 1 ? nodeId : peer), peer }));
  }

  /** One link per registered peer: a peer gone is let go, a new one is introduced to and owed the pool. */
  #link(peers: readonly PeerStatus[]): void {
    const current = new Set(peers.map((status) => status.node));
    for (const [peer, link] of this.#links) {
      if (current.has(peer)) continue;
      link.close();
      this.#links.delete(peer);
    }
    for (const { node: peer, reachable } of peers) {
      const known = this.#links.get(peer);
      if (known !== undefined) {
        known.noteReachable(reachable);
        continue;
      }
      const link = new PeerLink(peer, this.#context, reachable);
      this.#links.set(peer, link);
      link.introduce();
      link.sendPool();
    }
  }
}

/** Starts gossiping for `node`; stop() ends it. */
export function startGossip(options: GossipOptions): Gossip {
  return new Gossip(options);
}
