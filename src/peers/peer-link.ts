import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import { toJson } from '../chain/py-json.ts';
import type { Logger } from '../log/log.ts';
import { Backoff } from './backoff.ts';
import type { PeerClient, PeerFailure } from './peer-client.ts';

/** Most transactions sent to a peer in one request. */
const MAX_BATCH = 500;

/** `{"transactions":[]}`: what a batch's JSON is besides its transactions and the commas between them. */
const EMPTY_BATCH_BYTES = toJson({ transactions: [] }).length;

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
}

/**
 * What this node says to one peer on its own initiative, and what it still owes it: the
 * transactions the peer may not have yet (sent in batches bounded by count and bytes, retried with
 * backoff until the peer has them) and the introduction (retried until the peer is up). One link
 * per registered peer; a link closed is done for good.
 */
export class PeerLink {
  readonly peer: string;
  readonly #context: PeerLinkContext;
  /** Keys (transactionKey) of pending transactions the peer may not have yet. */
  readonly #outbox = new Set<string>();
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
    const { peerClient, log, silent } = this.#context;
    const { peer } = this;
    if (this.#closed || this.#sending || this.#retryTimer !== undefined || silent.has(peer)) return;
    const batch = this.#nextBatch();
    if (batch.length === 0) return;
    this.#sending = true;
    const transactions = batch.map(({ transaction }) => transaction);
    const reply = await peerClient.post(peer, '/gossip/transactions', { transactions });
    this.#sending = false;
    if (this.#closed) return;
    if (reply.ok) {
      this.#batchLimit = Math.min(MAX_BATCH, this.#batchLimit * 2);
    } else if (reply.status === 413 && batch.length > 1) {
      // Too large for this peer, whatever our own limit says: the same transactions go again, fewer at a time.
      this.#batchLimit = Math.floor(batch.length / 2);
      log.debug({ peer, reason: reply.reason }, `peer ${peer} refused ${batch.length} transactions as too large: sending fewer at a time`);
      return this.#send();
    } else if (!this.#refusedForGood(batch, reply)) {
      return this.#retryLater(reply);
    }
    for (const { key } of batch) this.#outbox.delete(key);
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

  /** The peer is down, busy (429) or failing (5xx, 503 when its store failed): the outbox waits, with backoff. */
  #retryLater(failure: PeerFailure): void {
    this.#noteFailure('passing on transactions', failure);
    if (this.#context.silent.has(this.peer)) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#send();
    }, this.#sendBackoff.next()).unref();
  }

  /**
   * The oldest transactions owed that are still pending, as many as one request takes: at most
   * #batchLimit, and within maxBatchBytes unless a single one is larger. Those mined meanwhile are
   * let go, since the peer gets them with the block.
   */
  #nextBatch(): Owed[] {
    const { pool, log, maxBatchBytes } = this.#context;
    const batch: Owed[] = [];
    let bytes = EMPTY_BATCH_BYTES;
    for (const key of this.#outbox) {
      const transaction = pool.pendingTransaction(key);
      const size = transaction === undefined ? undefined : jsonBytes(transaction);
      if (transaction === undefined || size === undefined) {
        if (transaction !== undefined)
          log.warn({ peer: this.peer }, `transaction ${describe({ key, transaction })} cannot be written as JSON; not passing it on`);
        this.#outbox.delete(key);
        continue;
      }
      const added = batch.length === 0 ? size : size + 1; // and its comma
      if (batch.length > 0 && bytes + added > maxBatchBytes) break;
      batch.push({ key, transaction });
      bytes += added;
      if (batch.length >= this.#batchLimit) break;
    }
    return batch;
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

/** A transaction owed to the peer, and its key in the outbox. */
interface Owed {
  key: string;
  transaction: Transaction;
}

/** The bytes of a transaction's JSON (ASCII only: as many as its characters), or undefined if it cannot be written. */
function jsonBytes(transaction: Transaction): number | undefined {
  try {
    return toJson(transaction).length;
  } catch {
    return undefined;
  }
}

/** A transaction as a warning names it: by its id, or by its key when it has none, cut short (a key can be a megabyte of JSON). */
function describe({ key, transaction }: Owed): string {
  const name = typeof transaction.id === 'string' ? transaction.id : key;
  return name.length > 100 ? `${name.slice(0, 100)}…` : name;
}
