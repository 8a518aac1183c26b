import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Block, ForgedBlock, Transaction } from '../chain/block.ts';
import type { Blockchain, ChainChange } from '../chain/blockchain.ts';
import type { ChainRules } from '../chain/rules.ts';
import type { SignedTransaction, TxRule } from '../chain/signed-rules.ts';
import type { Logger } from '../log/log.ts';
import type { PeerClient } from '../peers/peer-client.ts';
import type { Lookup } from '../peers/peer-discovery.ts';
import type { Exchange, PeerSet, PeerSource, PeerStatus } from '../peers/peer-set.ts';
import type { ChainStore, StoreDamage } from '../store/chain-store.ts';
import { ChainCommits, type BlockOutcome } from './chain-commits.ts';
import { ChainLab } from './chain-lab.ts';
import { DroppedBlocks } from './dropped-blocks.ts';
import { DurableWrites } from './durable-writes.ts';
import type { Miner } from './miner.ts';
import { MiningCancelledError, MiningSchedule, ON_TRANSACTION_DELAY_MS } from './mining-schedule.ts';
import type { NodeEvents } from './node-events.ts';
import { registerPeers, type Registration } from './peer-registration.ts';
import { PoolIntake, type BatchOutcome, type PoolLimits, type TransactionOutcome } from './pool-intake.ts';
import { SignedLedger } from './signed-ledger.ts';
import { PeerSync, type Resolution } from './sync.ts';
import { TipMining } from './tip-mining.ts';
import { TransactionRelays } from './transaction-relays.ts';

export type { BatchOutcome, PoolLimits, Refusal, TransactionOutcome } from './pool-intake.ts';
export { StoreFailedError } from './durable-writes.ts';
export type { Registration } from './peer-registration.ts';
export type { BlockOutcome } from './chain-commits.ts';

export interface ChainNodeDeps {
  nodeId: string;
  /** The network's rules: what every block this node mines or takes must satisfy. */
  rules: ChainRules;
  /** The bounds of the pending pool and of the blocks this node mines. */
  limits: PoolLimits;
  blockchain: Blockchain;
  store: ChainStore;
  miner: Miner;
  peers: PeerSet;
  peerClient: PeerClient;
  /** What host names resolve to, the evidence that two peers are one (see sameEndpoint); without it, a name is known by itself only. */
  lookup?: Lookup;
  /** Seconds since the epoch, as a float (Python's `time()`). */
  clock: () => number;
  log: Logger;
  /** A new transaction id; 32 random hex digits unless a test wants them predictable. */
  newId?: () => string;
  /** Who may spend what (TX_RULE); `open`, the notebook's, unless said. */
  txRule?: TxRule;
  /** Whom this node's rewards pay: `nodeId` unless said (MINER_ADDRESS, under TX_RULE=signed). */
  minerAddress?: string;
}

/**
 * One blockchain node: its chain and pool, its peers, mining and consensus (the sync round is in
 * sync.ts, the pool's intake in pool-intake.ts, the changes that move the tip in chain-commits.ts).
 * HTTP lives in src/http, talking to peers on its own initiative in src/peers/gossip.ts.
 *
 * Every change is checked against the state, recorded in the store, and applied only once it is
 * durable (see DurableWrites), so the node never applies, announces or acknowledges what a restart
 * would lose, and once the store fails it refuses every change with a 503. A change that moves the
 * tip (a block, a chain) is checked only once every change before it has been applied; what reaches
 * the chain only after waiting (a proof, a peer's blocks) is thus checked against the chain as it is
 * then.
 */
export class ChainNode {
  readonly nodeId: string;
  readonly rules: ChainRules;
  readonly events = new EventEmitter<NodeEvents>();
  #deps: ChainNodeDeps;
  #newId: () => string;
  #writes: DurableWrites;
  #intake: PoolIntake;
  #tipMining: TipMining;
  #peerSync: PeerSync;
  #commits: ChainCommits;
  /** Whom each transaction a peer passed on is owed to, once pooled (see receiveTransactions). */
  readonly #relays = new TransactionRelays(this.events);
  /** When the node mines on its own: manual until set (MINING, POST /lab/mining). */
  readonly mining: MiningSchedule;
  /** Tampering, restore and reset: the lab's changes to this node's state (see chain-lab.ts). */
  readonly lab: ChainLab;
  /** The blocks this node dropped in reorgs, for the explorer's block tree. */
  readonly dropped: DroppedBlocks;
  /** Who may spend what (TX_RULE). */
  readonly txRule: TxRule;
  /** TX_RULE=signed's accounts and checks; undefined under `open`, where nothing is checked. */
  readonly signed: SignedLedger | undefined;
  /** Whom this node's rewards pay. */
  readonly minerAddress: string;

  constructor(deps: ChainNodeDeps) {
    this.#deps = deps;
    this.nodeId = deps.nodeId;
    this.rules = deps.rules;
    this.#newId = deps.newId ?? (() => randomUUID().replaceAll('-', ''));
    const { nodeId, rules, blockchain, limits, peers, peerClient, clock, log } = deps;
    this.txRule = deps.txRule ?? 'open';
    this.signed = this.txRule === 'signed' ? new SignedLedger(blockchain) : undefined;
    this.minerAddress = deps.minerAddress ?? nodeId;
    this.#writes = new DurableWrites(deps.store, log);
    // The intake announces what it pools to the relays, which add whom each transaction is owed to.
    this.#intake = new PoolIntake({ blockchain, minerId: this.minerAddress, writes: this.#writes, limits, events: this.#relays.pooled });
    this.#commits = new ChainCommits({
      ...{ blockchain, rules, writes: this.#writes, signed: this.signed, events: this.events, log },
      abortMining: () => this.#tipMining.abort(),
      sync: () => this.sync(),
    });
    this.#peerSync = new PeerSync({
      nodeId,
      rules,
      chain: () => this.chain,
      adopt: (chain, peer, epoch) => this.#commits.adopt(chain, peer, epoch),
      epoch: () => this.#commits.epoch,
      checkChain: this.signed === undefined ? undefined : this.signed.checkChain.bind(this.signed),
      events: this.events,
      peers,
      peerClient,
      lookup: deps.lookup ?? (async () => []),
      clock,
      log,
    });
    this.#tipMining = new TipMining({
      ...{ blockchain, miner: deps.miner, rules, clock, writes: this.#writes, events: this.events },
      commit: (change) => this.#commits.commit(change),
      minerAddress: this.minerAddress,
      maxBlockBytes: limits.maxBlockBytes,
    });
    const cancel = () => this.#tipMining.abort(new MiningCancelledError());
    this.mining = new MiningSchedule({ node: this, cancel, log, onTransactionDelayMs: ON_TRANSACTION_DELAY_MS });
    const inTurn = <T>(step: () => T | Promise<T>) => this.#writes.inTurn(step);
    const commit = (change: ChainChange) => this.#commits.labCommit(change);
    this.lab = new ChainLab({ blockchain, rules, limits, events: this.events, inTurn, commit });
    this.dropped = new DroppedBlocks(clock, this.events);
  }

  get chain(): readonly Block[] {
    return this.#deps.blockchain.chain;
  }

  get pending(): readonly Transaction[] {
    return this.#deps.blockchain.pending;
  }

  get peers(): readonly string[] {
    return this.#deps.peers.list();
  }

  peerStatuses(): readonly PeerStatus[] {
    return this.#deps.peers.statuses();
  }

  /** What was wrong with the store's log when the node started, and what was kept: /health says so. */
  get storeDamage(): StoreDamage | undefined {
    return this.#deps.store.damage;
  }

  /**
   * Why the store failed, once it has: from then on nothing the node acknowledges would survive a
   * restart, so /health says so and the node is no longer healthy.
   */
  get storeError(): string | undefined {
    return this.#writes.failure;
  }

  /** The pending transaction with this key (see transactionKey), for gossip. */
  pendingTransaction(key: string): Transaction | undefined {
    return this.#deps.blockchain.pendingTransaction(key);
  }

  /**
   * Pools a transaction, giving it an id unless it has one. Resolves once it is stored, so an
   * acknowledgement survives a crash; rejects with a StoreFailedError once the store has failed.
   */
  addTransaction(transaction: Transaction): Promise<TransactionOutcome> {
    const identified = typeof transaction.id === 'string' ? transaction : { ...transaction, id: this.#newId() };
    const { signed } = this;
    if (signed === undefined) return this.#intake.add(identified);
    // In turn with every chain change, so two spends of one balance never both pass.
    return this.#writes.inTurn<TransactionOutcome>(() => {
      const [unfit] = signed.sort([identified as SignedTransaction]).unfit;
      return unfit === undefined ? this.#intake.add(identified) : { status: 'invalid', reason: unfit.reason };
    });
  }

  /**
   * Transactions a peer passed on, each with its id: pools those it lacks, if the pool can take them
   * all. Those it pools are owed on over the ring up to `limit` (see broadcast-tree.ts); without
   * one, to nobody. Under TX_RULE=signed those that do not fit the accounts (a double spend the
   * peer took first, say) are counted as conflicting and the rest pooled: one must not cost the
   * peer every other transaction of its batch.
   */
  receiveTransactions(transactions: readonly Transaction[], limit?: string): Promise<BatchOutcome> {
    const pool = (taken: readonly Transaction[]) => this.#relays.receive(taken, limit, () => this.#intake.addAll(taken));
    const { signed } = this;
    if (signed === undefined) return pool(transactions);
    return this.#writes.inTurn(async (): Promise<BatchOutcome> => {
      const { fit, unfit } = signed.sort(transactions as readonly SignedTransaction[]);
      const [first] = unfit;
      // Nothing in it fits: refused as a client's transaction is, with the reason.
      if (first !== undefined && fit.length === 0) return { status: 'invalid', reason: `transactions[${first.index}]: ${first.reason}` };
      for (const { index, reason } of unfit) this.#deps.log.debug({ index, reason }, `a peer's transaction does not fit: ${reason}`);
      const outcome = await pool(fit);
      return outcome.status === 'pooled' ? { ...outcome, conflicting: outcome.conflicting + unfit.length } : outcome;
    });
  }

  /**
   * Mines one block on the tip. Calls are served one after another, so no two blocks share an
   * index (see TipMining).
   */
  mine(): Promise<ForgedBlock> {
    return this.#tipMining.mine();
  }

  /**
   * A block a peer announced, with the length of the peer's chain. One that extends the tip is
   * checked and appended; one that does not, from a longer chain, makes the node sync. What the
   * block brings is owed on over the ring up to `limit` (see broadcast-tree.ts); without one, to nobody.
   */
  receiveBlock(block: Block, length: number, limit?: string): Promise<BlockOutcome> {
    return this.#commits.receiveBlock(block, length, limit);
  }

  /**
   * Registers peers, as `host:port` or `http://host:port` in any spelling, skipping this node itself:
   * all of them, or none with the reason (a bad address, too many, the cap or the rate: see PeerSet.admit).
   */
  registerPeers(addresses: readonly string[], source: PeerSource): Registration {
    const changed = () => this.events.emit('peers', { peers: this.peerStatuses() });
    return registerPeers(this.#deps, addresses, source, this.#deps.clock(), changed);
  }

  /** Forgets peers that are gone (a replica removed); registered peers are otherwise kept for good. */
  forgetPeers(addresses: readonly string[]): void {
    const removed = addresses.filter((address) => this.#deps.peers.remove(address));
    if (removed.length > 0) this.events.emit('peers', { peers: this.peerStatuses() });
  }

  /**
   * The reference's consensus, as GET /nodes/resolve asks for it: see sync(). Rejects with a
   * StoreFailedError once the store has failed: the node could adopt nothing.
   */
  async resolve(): Promise<Resolution> {
    const resolution = await this.sync();
    this.#writes.refuseIfFailed();
    return resolution;
  }

  /** The reference's consensus, against the peers as they answer now: see PeerSync.sync(). */
  sync(): Promise<Resolution> {
    return this.#peerSync.sync();
  }

  /**
   * What another part of the node (the explorer's network view) learned by asking a peer: kept with
   * what syncs learn, so that every view of a peer shows the same standing.
   */
  notePeerExchange(peer: string, exchange: Exchange, nodeId: string | undefined): void {
    this.#peerSync.noteExchange(peer, exchange, nodeId);
  }

  /** Back to the genesis block with an empty pool (see ChainLab.reset): what the lab's network-wide reset calls on each node. */
  reset(): Promise<{ length: number; pending: number }> {
    return this.lab.reset();
  }

  /**
   * Takes out of the pool, in turn, what the state the node started from leaves no room for, under
   * TX_RULE=signed: a store kept under TX_RULE=open, or a crash between a block and its unpool
   * record. From then on every chain change does so itself (see ChainCommits); startNode calls it once.
   */
  tidyPool(): Promise<void> {
    return this.#commits.tidyPool();
  }

  /** Lets go of whoever watches the node (the `closed` event): the node is shutting down. */
  close(): void {
    this.events.emit('closed');
  }
}
