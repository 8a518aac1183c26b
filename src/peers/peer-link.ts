import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import type { Logger } from '../log/log.ts';
import { Backoff } from './backoff.ts';
import type { PeerClient, PeerFailure } from './peer-client.ts';
import { describe, TransactionOutbox, type Owed } from './transaction-outbox.ts';

/** Most transactions sent to a peer in one request. */
const MAX_BATCH = 500;

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
   * Most bytes of JSON in one batch of transactions, since a peer refuses a larger body with 413.
   * A transaction larger than this on its own is still sent, alone.
   */
  maxBatchBytes: number;
  /**
   * Peers that answered a gossip request with 404: they only take part through sync. Kept by the
   * node, not the link, so a peer forgotten and registered again is not asked again.
   */
  silent: Set<string>;
  /**
   * Transactions owed to `peer` over the ring up to `limit` that it cannot be told now (see
   * untellable): whoever follows it in that range is owed them instead (see broadcast-tree.ts).
   */
  handOver(peer: string, keys: readonly string[], limit: string): void;
}

/**
 * Whether a failed request says the peer cannot be told anything now: it did not answer, or failed
 * (5xx), or does not take gossip (404). Then what it was to pass on goes to the next member of its
 * range. A refusal (4xx) or a full pool (429) are answers: the peer is there.
 */
export function untellable({ answered, status }: PeerFailure): boolean {
  return !answered || status === 404 || (status !== undefined && status >= 500);
}

/**
 * What this node says to one peer on its own initiative, and what it still owes it: the
 * transactions the peer may not have yet, each with the limit of the range the peer is to pass it
 * on over (broadcast-tree.ts; none: just the peer), sent in batches of one limit bounded by count
 * and bytes and retried with backoff until the peer has them; and the introduction (retried until
 * the peer is up). While the peer cannot be told (see untellable), the ranges it owes are handed
 * over and only its own copy waits for it. One link per registered peer; a link closed is done for good.
 */
export class PeerLink {
  readonly peer: string;
  readonly #context: PeerLinkContext;
  /** Keys (transactionKey) of pending transactions the peer may not have yet, to the limit it is to pass each on to (undefined: nobody). */
  readonly #outbox = new TransactionOutbox();
  /** Since a request failed in a way that says the peer cannot be told now (see untellable), until one succeeds. */
  #untellable = false;
  #sending = false;
  /** Most transactions in the next batch: halved when the peer answers 413, doubled back with each batch it takes. */
  #batchLimit = MAX_BATCH;
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

  /**
   * POST /gossip/blocks: the peer appends the block, or syncs, and passes it on over the ring up to
   * `limit`. Not retried: the next block or sync covers it. Resolves to whether the peer could be
   * told (see untellable): if not, its range is for the next member to tell.
   */
  async announceBlock(block: Block, length: number, limit: string): Promise<boolean> {
    const { peerClient, silent } = this.#context;
    if (this.#closed || silent.has(this.peer)) return false;
    const reply = await peerClient.post(this.peer, '/gossip/blocks', { block, length, limit });
    // A late answer to a link closed meanwhile says nothing about the peer registered next.
    if (!reply.ok && !this.#closed) this.#noteFailure('announcing a block', reply);
    return reply.ok || !untellable(reply);
  }

  /**
   * Owes the peer these transactions (by transactionKey), to pass on over the ring up to `limit`
   * (undefined: to nobody), and sends what it owes, unless a send or a retry is under way. A range
   * replaces what was owed; no range never narrows one.
   */
  sendTransactions(keys: Iterable<string>, limit?: string): void {
    this.#outbox.add(keys, limit);
    // A peer that cannot be told now would hold its range up for as long as it is away; one that takes no gossip, for good.
    const gone = this.#closed || this.#context.silent.has(this.peer);
    if (gone || this.#untellable) this.#handOverRanges();
    if (gone) return this.#outbox.clear();
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

  /**
   * What the last exchange with the peer showed: one back after a partition or a restart gets
   * whatever it missed. One found up is introduced to now, not when its backoff ends: else, started
   * in a row, nodes would keep introducing themselves long after all are up (a request each, counted
   * against every broadcast meanwhile).
   */
  noteReachable(reachable: boolean | undefined): void {
    if (reachable === true && this.#introduceTimer !== undefined) {
      clearTimeout(this.#introduceTimer);
      this.#introduceTimer = undefined;
      this.introduce();
    }
    if (reachable === true && this.#reachable === false) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      this.#sendBackoff.reset();
      this.#untellable = false;
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
    const { peerClient, log, silent } = this.#context;
    const { peer } = this;
    if (this.#closed || this.#sending || this.#retryTimer !== undefined || silent.has(peer)) return;
    const unwritable = (owed: Pick<Owed, 'key' | 'transaction'>) =>
      log.warn({ peer }, `transaction ${describe(owed)} cannot be written as JSON; not passing it on`);
    const source = { pendingTransaction: (key: string) => this.#context.pool.pendingTransaction(key), unwritable };
    const batch = this.#outbox.nextBatch(source, this.#batchLimit, this.#context.maxBatchBytes);
    if (batch.length === 0) return;
    this.#sending = true;
    const transactions = batch.map(({ transaction }) => transaction);
    const { limit } = batch[0]!;
    const reply = await peerClient.post(peer, '/gossip/transactions', limit === undefined ? { transactions } : { transactions, limit });
    this.#sending = false;
    if (this.#closed) return;
    if (reply.ok) {
      this.#untellable = false;
      this.#batchLimit = Math.min(MAX_BATCH, this.#batchLimit * 2);
    } else if (reply.status === 413 && batch.length > 1) {
      // Too large for this peer, whatever our own limit says: the same transactions go again, fewer at a time.
      this.#batchLimit = Math.floor(batch.length / 2);
      log.debug({ peer, reason: reply.reason }, `peer ${peer} refused ${batch.length} transactions as too large: sending fewer at a time`);
      return this.#send();
    } else if (!this.#refusedForGood(batch, reply)) {
      return this.#retryLater(reply);
    } else if (limit !== undefined) {
      // The peer will not pass on what it refused: the rest of its range may still take them.
      this.#context.handOver(
        peer,
        batch.map(({ key }) => key),
        limit,
      );
    }
    this.#outbox.settle(batch, limit);
    this.#sendBackoff.reset();
    return this.#send();
  }

  /** Whether the peer refused `batch` for good, and would refuse it again: then it says so. */
  #refusedForGood(batch: readonly Owed[], failure: PeerFailure): boolean {
    const { log } = this.#context;
    const { peer } = this;
    const { status, reason } = failure;
    if (status === 413) {
      log.warn({ peer, reason }, `peer ${peer} refused transaction ${describe(batch[0]!)} as too large; not sending it again: ${reason}`);
      return true;
    }
    // Any other 4xx but 404 (a node without gossip) and 429 (its pool is full for now): the same request would get the same answer.
    if (status === undefined || status < 400 || status >= 500 || status === 404 || status === 429) return false;
    log.warn({ peer, reason }, `peer ${peer} refused ${batch.length} transactions: ${reason}`);
    return true;
  }

  /**
   * The peer is down, busy (429) or failing (5xx, 503 when its store failed): the outbox waits, with
   * backoff; unless the peer is only busy, the ranges it owes are handed over meanwhile.
   */
  #retryLater(failure: PeerFailure): void {
    if (untellable(failure)) {
      this.#untellable = true;
      this.#handOverRanges();
    }
    this.#noteFailure('passing on transactions', failure);
    if (this.#context.silent.has(this.peer)) return;
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
      this.#introduceTimer = setTimeout(() => {
        this.#introduceTimer = undefined;
        void this.#introduce();
      }, this.#introduceBackoff.next()).unref();
    }
  }

  /** Hands every range owed over to the next members (see PeerLinkContext.handOver); the peer is still owed its own copy. */
  #handOverRanges(): void {
    this.#outbox.handOverRanges((keys, limit) => this.#context.handOver(this.peer, keys, limit));
  }

  #noteFailure(what: string, failure: PeerFailure): void {
    const { log, silent } = this.#context;
    const { peer } = this;
    if (failure.status === 404) {
      silent.add(peer);
      this.#handOverRanges();
      this.#outbox.clear();
      log.info({ peer }, `peer ${peer} does not take gossip (a reference node?): it is kept in sync by polling only`);
    } else {
      log.debug({ peer, reason: failure.reason }, `${what} to ${peer} failed: ${failure.reason}`);
    }
  }
}
