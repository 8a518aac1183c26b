import { EventEmitter } from 'node:events';
import type { Block, ForgedBlock, Transaction } from '../chain/block.ts';
import type { Blockchain } from '../chain/blockchain.ts';
import { longestChain, type Candidate } from '../chain/consensus.ts';
import { pythonStr } from '../chain/py-json.ts';
import { isObject, validChainResponse, type Verdict } from '../chain/validate.ts';
import type { ChainStore } from '../store/chain-store.ts';
import type { Logger } from './log.ts';
import type { Miner } from './miner.ts';
import type { PeerClient } from './peer-client.ts';
import type { PeerSet, PeerStatus } from './peer-set.ts';

export interface ChainNodeDeps {
  nodeId: string;
  difficulty: number;
  blockchain: Blockchain;
  store: ChainStore;
  miner: Miner;
  peers: PeerSet;
  peerClient: PeerClient;
  /** Seconds since the epoch, as a float (Python's `time()`). */
  clock: () => number;
  log: Logger;
}

export interface SkippedPeer {
  node: string;
  reason: string;
}

export interface Resolution {
  replaced: boolean;
  chain: readonly Block[];
  skipped: SkippedPeer[];
}

export interface Registration {
  totalNodes: readonly string[];
  /** Addresses not registered because they name this node itself. */
  ignored: string[];
}

/**
 * What a node announces as it changes, for whoever watches (the explorer, the metrics). Listeners
 * run synchronously after the change: they must not throw or block.
 */
export interface NodeEvents {
  /** This node mined `block`; the proof search took `miningMs`. */
  mined: [{ block: ForgedBlock; miningMs: number }];
  /** This node adopted the longer chain of `peer`. */
  replaced: [{ chain: readonly Block[]; peer: string }];
  transaction: [{ transaction: Transaction }];
  /** Peers were registered, or what is known of them changed. */
  peers: [{ peers: readonly PeerStatus[] }];
  /** A peer could not be asked, or its answer was rejected. */
  peerFailure: [{ node: string; reason: string }];
}

/** One blockchain node: its chain and pool, its peers, mining and consensus. HTTP lives in app.ts. */
export class ChainNode {
  readonly nodeId: string;
  readonly difficulty: number;
  readonly events = new EventEmitter<NodeEvents>();
  #deps: ChainNodeDeps;
  #mining: Promise<unknown> = Promise.resolve();

  constructor(deps: ChainNodeDeps) {
    this.#deps = deps;
    this.nodeId = deps.nodeId;
    this.difficulty = deps.difficulty;
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

  /** Pools a transaction; returns the index of the block that will hold it. */
  async addTransaction(transaction: Transaction): Promise<number> {
    const index = this.#deps.blockchain.addTransaction(transaction);
    await this.#deps.store.record({ type: 'transaction', transaction });
    this.events.emit('transaction', { transaction });
    return index;
  }

  /** Mines one block. Calls are served one after another, so no two blocks share an index. */
  mine(): Promise<ForgedBlock> {
    const block = this.#mining.then(() => this.#mineOnTip());
    this.#mining = block.catch(() => undefined);
    return block;
  }

  async #mineOnTip(): Promise<ForgedBlock> {
    const { blockchain, miner, difficulty, clock, nodeId, store } = this.#deps;
    for (;;) {
      const tip = blockchain.lastBlock;
      const started = performance.now();
      const proof = await miner.proofOfWork(pythonStr(tip.proof)!, difficulty);
      // The chain may have been replaced while the workers searched: never build on a stale tip.
      if (blockchain.lastBlock !== tip) continue;
      const block = blockchain.forgeBlock(proof, clock(), nodeId);
      await store.record({ type: 'block', block });
      this.events.emit('mined', { block, miningMs: performance.now() - started });
      return block;
    }
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

  /** The reference's consensus: adopt the longest valid chain among the peers, if longer than ours. */
  async resolve(): Promise<Resolution> {
    const peers = this.peers;
    const answers = await Promise.all(peers.map((peer) => this.#longerChainFrom(peer)));
    const candidates: Candidate[] = [];
    const skipped: SkippedPeer[] = [];
    answers.forEach((answer, i) => {
      const node = peers[i]!;
      if (!answer.ok) {
        skipped.push({ node, reason: answer.reason });
        this.#deps.log.warn({ peer: node, reason: answer.reason }, `peer ${node} skipped: ${answer.reason}`);
        this.events.emit('peerFailure', { node, reason: answer.reason });
      } else if (answer.value !== undefined) {
        candidates.push({ peer: node, chain: answer.value });
      }
    });
    const best = longestChain(this.#deps.blockchain.length, candidates);
    if (best !== undefined) {
      this.#deps.blockchain.replaceChain(best.chain);
      await this.#deps.store.record({ type: 'chain', chain: best.chain });
      this.#deps.log.info({ peer: best.peer, length: best.chain.length }, `adopted the chain of ${best.peer} (${best.chain.length} blocks)`);
      this.events.emit('replaced', { chain: best.chain, peer: best.peer });
    }
    if (peers.length > 0) this.events.emit('peers', { peers: this.peerStatuses() });
    return { replaced: best !== undefined, chain: this.chain, skipped };
  }

  /** A peer's chain when it is valid and longer than ours now; undefined when it is not longer. */
  async #longerChainFrom(peer: string): Promise<Verdict<Block[] | undefined>> {
    const { peerClient, peers, clock, blockchain } = this.#deps;
    const answer = await peerClient.getChain(peer);
    const at = clock();
    if (!answer.ok) {
      peers.record(peer, { answered: answer.answered, at, error: answer.reason });
      return answer;
    }
    if (answer.value.nodeId === this.nodeId) {
      peers.markSelf(peer);
      return { ok: false, reason: 'this node itself; removed from the peers' };
    }
    const { body } = answer.value;
    const length = isObject(body) && typeof body.length === 'number' ? body.length : undefined;
    // Like the reference, only a longer chain is worth validating.
    const verdict: Verdict<Block[] | undefined> =
      length !== undefined && length <= blockchain.length ? { ok: true, value: undefined } : validChainResponse(body, this.difficulty);
    peers.record(peer, { answered: true, at, length, error: verdict.ok ? undefined : verdict.reason });
    return verdict;
  }
}
