import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { cachedHash } from '../chain/block-hash-cache.ts';
import { transactionKey, type Block, type ForgedBlock, type Transaction } from '../chain/block.ts';
import type { Blockchain, ChainChange, Reorg } from '../chain/blockchain.ts';
import { forkPoint } from '../chain/consensus.ts';
import { canonicalJson, pythonStr } from '../chain/py-json.ts';
import type { ChainRules } from '../chain/rules.ts';
import { validExtension } from '../chain/validate.ts';
import type { Logger } from '../log/log.ts';
import type { PeerClient } from '../peers/peer-client.ts';
import type { Exchange, PeerSet, PeerStatus } from '../peers/peer-set.ts';
import type { ChainStore } from '../store/chain-store.ts';
import type { Miner } from './miner.ts';
import type { NodeEvents } from './node-events.ts';
import { PeerSync, type Resolution } from './sync.ts';

export interface ChainNodeDeps {
  nodeId: string;
  /** The network's rules: what every block this node mines or takes must satisfy. */
  rules: ChainRules;
  blockchain: Blockchain;
  store: ChainStore;
  miner: Miner;
  peers: PeerSet;
  peerClient: PeerClient;
  /** Seconds since the epoch, as a float (Python's `time()`). */
  clock: () => number;
  log: Logger;
  /** A new transaction id; 32 random hex digits unless a test wants them predictable. */
  newId?: () => string;
}

export interface Registration {
  totalNodes: readonly string[];
  /** Addresses not registered because they name this node itself. */
  ignored: string[];
}

/** What became of a transaction given to the node. */
export type TransactionOutcome =
  | { status: 'added'; transaction: Transaction; index: number }
  /** A copy of one the node holds already (pending or in the chain): nothing was stored. */
  | { status: 'known'; transaction: Transaction }
  /** Its id belongs to another transaction: nothing was stored. */
  | { status: 'conflict'; transaction: Transaction };

/** What became of a block a peer announced. */
export type BlockOutcome =
  | { status: 'appended' }
  /** The node's chain is as long already. */
  | { status: 'known' }
  /** It does not extend the tip, but a longer chain is out there: the node syncs with its peers. */
  | { status: 'syncing' }
  | { status: 'rejected'; reason: string };

/**
 * One blockchain node: its chain and pool, its peers, mining and consensus (the sync round is in
 * sync.ts). HTTP lives in src/http, talking to peers on its own initiative in src/peers/gossip.ts.
 *
 * Every change goes through #commit, which applies it and records it in the store in one
 * synchronous step, so changes are serialised and the store holds them in the order they happened.
 * What reaches the chain only after waiting (a proof, a peer's blocks) is checked again against the
 * chain as it is at that moment.
 */
export class ChainNode {
  readonly nodeId: string;
  readonly rules: ChainRules;
  readonly events = new EventEmitter<NodeEvents>();
  #deps: ChainNodeDeps;
  #newId: () => string;
  #mining: Promise<unknown> = Promise.resolve();
  /** Aborts the proof search under way: the tip it builds on has changed. */
  #search: AbortController | undefined;
  #peerSync: PeerSync;
  #storeError: string | undefined;

  constructor(deps: ChainNodeDeps) {
    this.#deps = deps;
    this.nodeId = deps.nodeId;
    this.rules = deps.rules;
    this.#newId = deps.newId ?? (() => randomUUID().replaceAll('-', ''));
    const { nodeId, rules, peers, peerClient, clock, log } = deps;
    const adopt = (chain: Block[], peer: string) => this.#adopt(chain, peer);
    this.#peerSync = new PeerSync({ nodeId, rules, chain: () => this.chain, adopt, events: this.events, peers, peerClient, clock, log });
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

  /**
   * Why the store failed, once it has: from then on nothing the node acknowledges would survive a
   * restart, so /health says so and the node is no longer healthy.
   */
  get storeError(): string | undefined {
    return this.#storeError;
  }

  /** The pending transaction with this key (see transactionKey), for gossip. */
  pendingTransaction(key: string): Transaction | undefined {
    return this.#deps.blockchain.pendingTransaction(key);
  }

  /**
   * Pools a transaction, giving it an id unless it has one. Resolves once it is stored, so an
   * acknowledgement survives a crash.
   */
  async addTransaction(transaction: Transaction): Promise<TransactionOutcome> {
    const withId = typeof transaction.id === 'string' ? transaction : { ...transaction, id: this.#newId() };
    const { outcome, durable } = this.#pool(withId);
    await durable;
    return outcome;
  }

  /** Transactions a peer passed on, each with its id: pools those it lacks. */
  async receiveTransactions(transactions: readonly Transaction[]): Promise<{ added: number; known: number; conflicting: number }> {
    const pooled = transactions.map((transaction) => this.#pool(transaction));
    await Promise.all(pooled.flatMap(({ durable }) => durable ?? []));
    const count = (status: TransactionOutcome['status']) => pooled.filter(({ outcome }) => outcome.status === status).length;
    return { added: count('added'), known: count('known'), conflicting: count('conflict') };
  }

  #pool(transaction: Transaction): { outcome: TransactionOutcome; durable?: Promise<void> } {
    const { blockchain } = this.#deps;
    const key = transactionKey(transaction);
    // Pending or in a block: a copy is known; another transaction under the same id is a conflict.
    const held = blockchain.pendingTransaction(key) ?? blockchain.includedTransaction(transaction);
    if (held !== undefined) {
      return { outcome: { status: canonicalJson(held) === canonicalJson(transaction) ? 'known' : 'conflict', transaction: held } };
    }
    const { durable } = this.#commit({ type: 'transaction', transaction });
    this.events.emit('transaction', { transaction });
    return { outcome: { status: 'added', transaction, index: blockchain.length + 1 }, durable };
  }

  /**
   * Mines one block. Calls are served one after another, so no two blocks share an index. A search
   * whose tip is replaced meanwhile is abandoned and started again on the new tip.
   */
  mine(): Promise<ForgedBlock> {
    const block = this.#mining.then(() => this.#mineOnTip());
    this.#mining = block.catch(() => undefined);
    return block;
  }

  async #mineOnTip(): Promise<ForgedBlock> {
    const { blockchain, miner, clock, nodeId } = this.#deps;
    for (;;) {
      const tip = blockchain.lastBlock;
      const search = new AbortController();
      this.#search = search;
      const started = performance.now();
      const base = { lastProof: pythonStr(tip.proof)!, lastHash: cachedHash(tip) };
      let proof: number;
      try {
        proof = await miner.proofOfWork(base, this.rules, { signal: search.signal });
      } catch (error) {
        if (search.signal.aborted) continue;
        throw error;
      } finally {
        if (this.#search === search) this.#search = undefined;
      }
      // Checked again even without an abort: never build on a stale tip.
      if (blockchain.lastBlock !== tip) continue;
      const block = blockchain.forgeBlock(proof, clock(), nodeId);
      const { durable } = this.#commit({ type: 'block', block });
      this.events.emit('mined', { block, miningMs: performance.now() - started });
      await durable;
      return block;
    }
  }

  /**
   * A block a peer announced, with the length of the peer's chain. One that extends the tip is
   * checked and appended; one that does not, from a longer chain, makes the node sync.
   */
  async receiveBlock(block: Block, length: number): Promise<BlockOutcome> {
    const { blockchain } = this.#deps;
    if (length <= blockchain.length) return { status: 'known' };
    const tip = blockchain.lastBlock;
    if (length === blockchain.length + 1 && block.previous_hash === cachedHash(tip)) {
      const verdict = validExtension(tip, blockchain.length + 1, [block], this.rules);
      if (!verdict.ok) return { status: 'rejected', reason: verdict.reason };
      const { durable } = this.#commit({ type: 'block', block });
      this.events.emit('appended', { block });
      await durable;
      return { status: 'appended' };
    }
    void this.sync();
    return { status: 'syncing' };
  }

  /** Registers peers given as normalised `host:port`, skipping this node itself. */
  registerPeers(addresses: readonly string[]): Registration {
    const outcomes = addresses.map((address) => this.#deps.peers.add(address));
    if (outcomes.includes('added')) this.events.emit('peers', { peers: this.peerStatuses() });
    return { totalNodes: this.peers, ignored: addresses.filter((_, i) => outcomes[i] === 'self') };
  }

  /** Forgets peers that are gone (a replica removed); registered peers are otherwise kept for good. */
  forgetPeers(addresses: readonly string[]): void {
    const removed = addresses.filter((address) => this.#deps.peers.remove(address));
    if (removed.length > 0) this.events.emit('peers', { peers: this.peerStatuses() });
  }

  /** The reference's consensus, as GET /nodes/resolve asks for it: see sync(). */
  resolve(): Promise<Resolution> {
    return this.sync();
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

  /** Lets go of whoever watches the node (the `closed` event): the node is shutting down. */
  close(): void {
    this.events.emit('closed');
  }

  /** Adopts a valid chain if it is still longer than ours; keeps the blocks both share. */
  #adopt(chain: Block[], peer: string): boolean {
    if (chain.length <= this.chain.length) return false;
    const from = forkPoint(this.chain, chain);
    const { durable, reorg } = this.#commit({ type: 'chain', from, blocks: chain.slice(from - 1) });
    const { log } = this.#deps;
    log.info(
      { peer, length: chain.length, from, dropped: reorg.dropped.length, returned: reorg.returned.length },
      `adopted the chain of ${peer} (${chain.length} blocks, from block ${from} on)`,
    );
    this.events.emit('replaced', { chain: this.chain, peer, from, ...reorg });
    durable.catch(() => undefined); // a failed write is logged by #commit; the sync goes on
    return true;
  }

  /**
   * The one way the node's state changes: applied now, recorded in the store in the same order.
   * `durable` resolves once the store has it; a proof search on a tip that is no longer the tip is
   * stopped.
   */
  #commit(change: ChainChange): { durable: Promise<void>; reorg: Reorg } {
    const { blockchain, store, log } = this.#deps;
    const tip = blockchain.lastBlock;
    const reorg = blockchain.apply(change);
    const durable = store.record(change);
    durable.catch((error: unknown) => {
      this.#storeError ??= error instanceof Error ? error.message : String(error);
      log.error({ err: error, change: change.type }, `could not store a ${change.type} change: ${String(error)}`);
    });
    if (blockchain.lastBlock !== tip) this.#search?.abort();
    return { durable, reorg };
  }
}
