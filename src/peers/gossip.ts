import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../log/log.ts';
import { subscribe, type NodeEvents, type Relay } from '../node/node-events.ts';
import { branches, FANOUT, handOver, ringKey, widerLimit, type Branch } from './broadcast-tree.ts';
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
}

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
  /** This node's key on the ring. */
  readonly #self: string;
  /** The widest range the tip is owed to, until the announcement this turn of the event loop. */
  #announceLimit: string | undefined;
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
  }: GossipOptions) {
    this.#node = node;
    this.#fanout = fanout;
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
      replaced: ({ relay, returned }) => {
        // The transactions of dropped blocks are pending again here; peers that adopted the same chain have them back too, or not.
        this.#announce(relay ?? 'origin');
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
   * Announces the tip over the range `relay` owes it to. Several changes in one turn of the event
   * loop (a reorg and a block after it) make one announcement, over the widest range owed.
   */
  #announce(relay: Relay): void {
    if (relay === 'none') return;
    const first = this.#announceLimit === undefined;
    this.#announceLimit = widerLimit(this.#self, this.#announceLimit, this.#limitOf(relay));
    if (!first) return;
    setImmediate(() => {
      const limit = this.#announceLimit!;
      this.#announceLimit = undefined;
      if (this.#stopped) return;
      const { chain } = this.#node;
      const members = this.#members();
      for (const branch of branches(this.#self, members, limit, this.#fanout))
        void this.#announceTo(branch, members, chain[chain.length - 1]!, chain.length);
    });
  }

  /** Tells one member of the ring of the tip; one that cannot be told has its range passed to the next member of it. */
  async #announceTo({ member, limit }: Branch<Member>, members: readonly Member[], block: Block, length: number): Promise<void> {
    const told = (await this.#links.get(member.peer)?.announceBlock(block, length, limit)) ?? false;
    if (told || this.#stopped) return;
    const next = handOver(member.key, members, limit);
    if (next !== undefined) return this.#announceTo(next, members, block, length);
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
      const members = this.#members();
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
    const members = this.#members().filter((member) => member.peer !== peer);
    const next = handOver(ringKey(status?.nodeId ?? peer), members, limit);
    if (next !== undefined) this.#links.get(next.member.peer)?.sendTransactions(keys, next.limit);
  }

  /** The limit a relay owes news to: this node's own key (the whole ring) as origin. */
  #limitOf(relay: Exclude<Relay, 'none'>): string {
    return relay === 'origin' ? this.#self : relay.limit;
  }

  /**
   * The peers on the ring, by key: those this node has a link to, but not the ones that take no
   * gossip (a reference node) or that are known to be down, who are caught up by their syncs.
   */
  #members(): Member[] {
    const { silent } = this.#context;
    return this.#node
      .peerStatuses()
      .filter(({ node: peer, reachable }) => reachable !== false && !silent.has(peer) && this.#links.has(peer))
      .map(({ node: peer, nodeId }) => ({ key: ringKey(nodeId ?? peer), peer }));
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
