import type { EventEmitter } from 'node:events';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { Block } from '../chain/block.ts';
import type { Blockchain, ChainChange, Reorg } from '../chain/blockchain.ts';
import { forkPoint } from '../chain/consensus.ts';
import type { ChainRules } from '../chain/rules.ts';
import { validExtension } from '../chain/validate.ts';
import type { Logger } from '../log/log.ts';
import { StoreFailedError, type DurableWrites } from './durable-writes.ts';
import type { NodeEvents } from './node-events.ts';
import type { SignedLedger } from './signed-ledger.ts';

/** What became of a block a peer announced. */
export type BlockOutcome =
  | { status: 'appended' }
  /** The node's chain is as long already. */
  | { status: 'known' }
  /** It does not extend the tip, but a longer chain is out there: the node syncs with its peers. */
  | { status: 'syncing' }
  | { status: 'rejected'; reason: string };

export interface ChainCommitsDeps {
  blockchain: Blockchain;
  rules: ChainRules;
  writes: DurableWrites;
  /** TX_RULE=signed's accounts; undefined under `open`. */
  signed: SignedLedger | undefined;
  events: EventEmitter<NodeEvents>;
  log: Logger;
  /** Stops the proof search under way: the tip it searches on is no longer the tip. */
  abortMining: () => void;
  /** A sync round with the peers, for a block of a longer chain that does not extend the tip. */
  sync: () => Promise<unknown>;
}

/**
 * The changes that move the tip, from wherever they come (a mined block, a peer's block, a peer's
 * chain, the lab): each checked against the chain as it is once every change before it has been
 * applied (DurableWrites.inTurn), written, and applied once durable. Under TX_RULE=signed, what the
 * new chain leaves no room for leaves the pool before anyone is told of the change.
 */
export class ChainCommits {
  #deps: ChainCommitsDeps;
  /** How many times a lab change set the state by hand (see adopt). */
  #epoch = 0;

  constructor(deps: ChainCommitsDeps) {
    this.#deps = deps;
  }

  /** Which lab change the state is at: a chain fetched before the latest is stale (see adopt). */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * A change that moves the tip, written (see DurableWrites) and applied once durable; a proof
   * search on a tip that is no longer the tip is stopped then.
   */
  async commit(change: ChainChange): Promise<Reorg> {
    const { blockchain, writes, abortMining } = this.#deps;
    const reorg = await writes.write(change, () => {
      const tip = blockchain.lastBlock;
      const reorg = blockchain.apply(change);
      if (blockchain.lastBlock !== tip) abortMining();
      return reorg;
    });
    if (change.type !== 'transaction' && change.type !== 'unpool') await this.#dropUnfit();
    return reorg;
  }

  /** A lab change, which sets the state by hand: what a sync asked its peers for before it is stale. */
  labCommit(change: ChainChange): Promise<Reorg> {
    this.#epoch++;
    return this.commit(change);
  }

  /**
   * Adopts a valid chain if it is still longer than ours; keeps the blocks both share. A chain the
   * store could not take is not adopted: the sync goes on (its failure is logged), and never rejects
   * for it, since gossip syncs unattended.
   */
  async adopt(chain: Block[], peer: string, epoch: number): Promise<boolean> {
    const { blockchain, writes, log, events } = this.#deps;
    try {
      return await writes.inTurn(async () => {
        // Fetched before a lab reset or restore: a network-wide reset would take it back.
        if (chain.length <= blockchain.length || epoch !== this.#epoch) return false;
        const from = forkPoint(blockchain.chain, chain);
        const reorg = await this.commit({ type: 'chain', from, blocks: chain.slice(from - 1) });
        log.info(
          { peer, length: chain.length, from, dropped: reorg.dropped.length, returned: reorg.returned.length },
          `adopted the chain of ${peer} (${chain.length} blocks, from block ${from} on)`,
        );
        events.emit('replaced', { chain: blockchain.chain, peer, from, ...reorg });
        return true;
      });
    } catch (error) {
      if (error instanceof StoreFailedError) return false;
      throw error;
    }
  }

  /**
   * A block a peer announced, with the length of the peer's chain. One that extends the tip is
   * checked and appended; one that does not, from a longer chain, makes the node sync. What the
   * block brings is owed on over the ring up to `limit` (see broadcast-tree.ts); without one, to nobody.
   */
  receiveBlock(block: Block, length: number, limit?: string): Promise<BlockOutcome> {
    const { blockchain, writes, rules, signed, events, sync } = this.#deps;
    return writes.inTurn(async (): Promise<BlockOutcome> => {
      if (length <= blockchain.length) return { status: 'known' };
      const tip = blockchain.lastBlock;
      if (length === blockchain.length + 1 && block.previous_hash === cachedHash(tip)) {
        const verdict = validExtension(tip, blockchain.length + 1, [block], rules);
        if (!verdict.ok) return { status: 'rejected', reason: verdict.reason };
        const checked = signed?.checkBlock(block, blockchain.length + 1);
        if (checked?.ok === false) return { status: 'rejected', reason: checked.reason };
        await this.commit({ type: 'block', block });
        events.emit('appended', { block, relay: limit === undefined ? 'none' : { limit } });
        return { status: 'appended' };
      }
      void sync().catch(() => undefined); // nobody waits for it; a failed round is logged by the sync
      return { status: 'syncing' };
    });
  }

  /**
   * Takes out of the pool, in turn, what the state the node started from leaves no room for, under
   * TX_RULE=signed: a store kept under TX_RULE=open, or a crash between a block and its unpool
   * record. From then on every chain change does so itself (see commit).
   */
  tidyPool(): Promise<void> {
    return this.#deps.writes.inTurn(() => this.#dropUnfit());
  }

  /**
   * TX_RULE=signed: once the chain has changed, the pending transactions it no longer leaves room
   * for (see SignedLedger.unfit) leave the pool, each logged with its reason, before anyone is
   * told of the change: the pool never offers a block a transaction its peers would refuse.
   */
  async #dropUnfit(): Promise<void> {
    const { blockchain, writes, signed, log } = this.#deps;
    const unfit = signed?.unfit() ?? [];
    if (unfit.length === 0) return;
    for (const { transaction, reason } of unfit)
      log.warn(
        { id: transaction.id, sender: transaction.sender, reason },
        `dropped pending transaction ${transaction.id as string}: ${reason}`,
      );
    const change: ChainChange = { type: 'unpool', transactions: unfit.map(({ transaction }) => transaction) };
    await writes.write(change, () => blockchain.apply(change));
  }
}
