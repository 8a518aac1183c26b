import type { EventEmitter } from 'node:events';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { ForgedBlock } from '../chain/block.ts';
import type { Blockchain, ChainChange, Reorg } from '../chain/blockchain.ts';
import { pythonStr } from '../chain/py-json.ts';
import type { ChainRules } from '../chain/rules.ts';
import type { DurableWrites } from './durable-writes.ts';
import type { Miner } from './miner.ts';
import { MiningCancelledError } from './mining-schedule.ts';
import type { NodeEvents } from './node-events.ts';

export interface TipMiningDeps {
  blockchain: Blockchain;
  miner: Miner;
  rules: ChainRules;
  /** Seconds since the epoch, as a float (Python's `time()`): a block's timestamp. */
  clock: () => number;
  writes: DurableWrites;
  /** Records and applies a change (ChainNode's #commit). */
  commit: (change: ChainChange) => Promise<Reorg>;
  events: EventEmitter<NodeEvents>;
  /** Whom each block's reward pays. */
  minerAddress: string;
  maxBlockBytes: number;
}

/**
 * Mining on the tip, one block at a time: the proof search, then the block forged and committed
 * in turn with every other change to the chain. A search whose tip moves meanwhile is abandoned
 * (see abort) and started again on the new tip.
 */
export class TipMining {
  readonly #deps: TipMiningDeps;
  #mining: Promise<unknown> = Promise.resolve();
  /** Aborts the proof search under way. */
  #search: AbortController | undefined;

  constructor(deps: TipMiningDeps) {
    this.#deps = deps;
  }

  /** Mines one block. Calls are served one after another, so no two blocks share an index. */
  mine(): Promise<ForgedBlock> {
    const block = this.#mining.then(() => this.#mineOnTip());
    this.#mining = block.catch(() => undefined);
    return block;
  }

  /**
   * Stops the search under way: with no reason, because its tip moved (it starts again on the new
   * one); with a MiningCancelledError, for good (the waiting call rejects with it).
   */
  abort(reason?: MiningCancelledError): void {
    this.#search?.abort(reason);
  }

  async #mineOnTip(): Promise<ForgedBlock> {
    const { blockchain, miner, rules, clock, writes, commit, events, minerAddress, maxBlockBytes } = this.#deps;
    for (;;) {
      writes.refuseIfFailed(); // no minutes of hashing for a block that could not be stored
      const tip = blockchain.lastBlock;
      const search = new AbortController();
      this.#search = search;
      const started = performance.now();
      const base = { lastProof: pythonStr(tip.proof)!, lastHash: cachedHash(tip) };
      let proof: number;
      try {
        proof = await miner.proofOfWork(base, rules, { signal: search.signal });
      } catch (error) {
        // Aborted because the tip moved: search again on the new one. Cancelled (a new mining mode): give up.
        if (search.signal.aborted && !(search.signal.reason instanceof MiningCancelledError)) continue;
        throw error;
      } finally {
        if (this.#search === search) this.#search = undefined;
      }
      const mined = await writes.inTurn(async () => {
        // Checked again even without an abort, once the changes before are applied: never build on a stale tip.
        if (blockchain.lastBlock !== tip) return undefined;
        const block = blockchain.forgeBlock(proof, clock(), minerAddress, maxBlockBytes);
        await commit({ type: 'block', block });
        events.emit('mined', { block, miningMs: performance.now() - started });
        return block;
      });
      if (mined !== undefined) return mined;
    }
  }
}
