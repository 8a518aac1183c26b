import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../log/log.ts';
import { subscribe, type NodeEvents } from '../node/node-events.ts';
import type { PeerClient } from './peer-client.ts';
import { PeerLink, type PeerLinkContext } from './peer-link.ts';
import type { PeerStatus } from './peer-set.ts';

/** What gossip needs of the node: its events, its tip and pool to pass on, its peers, and a sync to start. */
export interface GossipNode {
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
}

/**
 * What a node does on its own initiative, so that the network converges without anyone calling
 * /nodes/resolve:
 * - every block it mines or adopts is announced to its peers (POST /gossip/blocks), which append it
 *   or sync;
 * - every transaction it pools is passed on (POST /gossip/transactions), batched per peer (by count
 *   and bytes) and retried with backoff until the peer has it; a peer that comes back gets the
 *   whole pool;
 * - it introduces itself to every peer it learns of (POST /nodes/register), so registration works
 *   both ways, retrying with backoff until the peer is up;
 * - every `syncIntervalMs` it syncs: asks each peer its tip and catches up from the longest. This
 *   is what heals a partition, or a missed announcement.
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
  #announcePending = false;
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
  }: GossipOptions) {
    this.#node = node;
    this.#context = { pool: node, peerClient, log, advertiseAddress, retry, maxBatchBytes, silent: new Set() };
    this.#unsubscribe = subscribe(node.events, {
      mined: () => this.#announce(),
      appended: () => this.#announce(),
      replaced: ({ returned }) => {
        // The transactions of dropped blocks are pending again here; peers that adopted the same chain have them back too, or not.
        this.#announce();
        this.#sendToAll(returned);
      },
      transaction: ({ transaction }) => this.#sendToAll([transaction]),
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

  /** Announces the tip to every peer. Several changes in one turn of the event loop (a reorg and a block after it) make one announcement. */
  #announce(): void {
    if (this.#announcePending) return;
    this.#announcePending = true;
    setImmediate(() => {
      this.#announcePending = false;
      if (this.#stopped) return;
      const { chain } = this.#node;
      for (const link of this.#links.values()) link.announceBlock(chain[chain.length - 1]!, chain.length);
    });
  }

  #sendToAll(transactions: readonly Transaction[]): void {
    const keys = transactions.map(transactionKey);
    for (const link of this.#links.values()) link.sendTransactions(keys);
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
