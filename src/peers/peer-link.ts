import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import type { Logger } from '../log/log.ts';
import { Backoff } from './backoff.ts';
import type { PeerClient, PeerFailure } from './peer-client.ts';

/** Transactions sent to a peer in one request. */
const BATCH = 500;

/** What a link reads of the node: the pool it passes on. */
export interface PoolSource {
  readonly pending: readonly Transaction[];
  /** The pending transaction with this key (see transactionKey), if it is still pending. */
  pendingTransaction(key: string): Transaction | undefined;
}

/** What every link of one node shares. */
export interface PeerLinkContext {
  pool: PoolSource;
  peerClient: PeerClient;
  log: Logger;
  /** The `host:port` this node gives when it introduces itself to a peer. */
  advertiseAddress: string;
  /** Waits between retries to a peer that failed: doubling from `minMs` up to `maxMs`. */
  retry: { minMs: number; maxMs: number };
  /**
   * Peers that answered a gossip request with 404: they only take part through sync. Kept by the
   * node, not the link, so a peer forgotten and registered again is not asked again.
   */
  silent: Set<string>;
}

/**
 * What this node says to one peer on its own initiative, and what it still owes it: the
 * transactions the peer may not have yet (sent in batches, retried with backoff until the peer has
 * them) and the introduction (retried until the peer is up). One link per registered peer; a link
 * closed is done for good.
 */
export class PeerLink {
  readonly peer: string;
  readonly #context: PeerLinkContext;
  /** Keys (transactionKey) of pending transactions the peer may not have yet. */
  readonly #outbox = new Set<string>();
  #sending = false;
  /** Set while waiting to retry the outbox. */
  #retryTimer: NodeJS.Timeout | undefined;
  readonly #sendBackoff: Backoff;
  #introduceTimer: NodeJS.Timeout | undefined;
  readonly #introduceBackoff: Backoff;
  #reachable: boolean | undefined;
  #closed = false;

  /** `reachable`: what the node knows of the peer so far (see PeerStatus). */
  constructor(peer: string, context: PeerLinkContext, reachable: boolean | undefined) {
    this.peer = peer;
    this.#context = context;
    this.#reachable = reachable;
    const { minMs, maxMs } = context.retry;
    this.#sendBackoff = new Backoff(minMs, maxMs);
    this.#introduceBackoff = new Backoff(minMs, maxMs);
  }

  /** POST /gossip/blocks: the peer appends the block, or syncs. Not retried: the next block or sync covers it. */
  announceBlock(block: Block, length: number): void {
    const { peerClient, silent } = this.#context;
    if (this.#closed || silent.has(this.peer)) return;
    void peerClient.post(this.peer, '/gossip/blocks', { block, length }).then((reply) => {
      // A late answer to a link closed meanwhile says nothing about the peer registered next.
      if (!reply.ok && !this.#closed) this.#noteFailure('announcing a block', reply);
    });
  }

  /** Owes the peer these transactions (by transactionKey) and sends what it owes, unless a send or a retry is under way. */
  sendTransactions(keys: Iterable<string>): void {
    for (const key of keys) this.#outbox.add(key);
    void this.#send();
  }

  /** Owes the peer the whole pool: it is new, or back. */
  sendPool(): void {
    this.sendTransactions(this.#context.pool.pending.map(transactionKey));
  }

  /** POST /nodes/register with this node's address, so registration works both ways; retried until the peer is up. */
  introduce(): void {
    void this.#introduce();
  }

  /** What the last exchange with the peer showed: one back after a partition or a restart gets whatever it missed. */
  noteReachable(reachable: boolean | undefined): void {
    if (reachable === true && this.#reachable === false) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      this.#sendBackoff.reset();
      this.sendPool();
    }
    this.#reachable = reachable;
  }

  /** Stops every retry; what is in flight is let go when it comes back. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#introduceTimer);
  }

  async #send(): Promise<void> {
    const { pool, peerClient, log, silent } = this.#context;
    const { peer } = this;
    if (this.#closed || this.#sending || this.#retryTimer !== undefined || silent.has(peer)) return;
    const keys = [...this.#outbox].slice(0, BATCH);
    if (keys.length === 0) return;
    const transactions = keys.flatMap((key) => pool.pendingTransaction(key) ?? []);
    this.#sending = true;
    // Mined meanwhile: the peer gets those with the block.
    const reply = transactions.length === 0 ? undefined : await peerClient.post(peer, '/gossip/transactions', { transactions });
    this.#sending = false;
    if (this.#closed) return;
    if (reply === undefined || reply.ok || refusedForGood(reply)) {
      if (reply?.ok === false)
        log.warn({ peer, reason: reply.reason }, `peer ${peer} refused ${transactions.length} transactions: ${reply.reason}`);
      for (const key of keys) this.#outbox.delete(key);
      this.#sendBackoff.reset();
      return this.#send();
    }
    this.#noteFailure('passing on transactions', reply);
    if (silent.has(peer)) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#send();
    }, this.#sendBackoff.next()).unref();
  }

  async #introduce(): Promise<void> {
    const { peerClient, log, advertiseAddress } = this.#context;
    const { peer } = this;
    const reply = await peerClient.post(peer, '/nodes/register', { nodes: [`http://${advertiseAddress}`] });
    if (this.#closed) return;
    if (reply.ok) {
      log.debug({ peer }, `introduced this node to ${peer} as ${advertiseAddress}`);
    } else if (reply.status === 400) {
      log.warn({ peer, reason: reply.reason }, `peer ${peer} refused this node's address ${advertiseAddress}: ${reply.reason}`);
    } else {
      this.#introduceTimer = setTimeout(() => void this.#introduce(), this.#introduceBackoff.next()).unref();
    }
  }

  #noteFailure(what: string, failure: PeerFailure): void {
    const { log, silent } = this.#context;
    const { peer } = this;
    if (failure.status === 404) {
      silent.add(peer);
      this.#outbox.clear();
      log.info({ peer }, `peer ${peer} does not take gossip (a reference node?): it is kept in sync by polling only`);
    } else {
      log.debug({ peer, reason: failure.reason }, `${what} to ${peer} failed: ${failure.reason}`);
    }
  }
}

/** A 4xx other than 404 (a node without gossip): the same request would get the same answer. */
function refusedForGood(failure: PeerFailure): boolean {
  return failure.status !== undefined && failure.status >= 400 && failure.status < 500 && failure.status !== 404;
}
