import type { EventEmitter } from 'node:events';
import { genesisBlock } from '../chain/block.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { Blockchain, ChainChange, Reorg } from '../chain/blockchain.ts';
import { forkPoint } from '../chain/consensus.ts';
import type { JsonValue } from '../chain/py-json.ts';
import type { ChainRules } from '../chain/rules.ts';
import { tamperedBlocks, type Tampering } from '../chain/tamper.ts';
import type { Verdict } from '../chain/validate.ts';
import { validSnapshot, type Snapshot } from './lab-snapshot.ts';
import type { LabChange, NodeEvents } from './node-events.ts';
import type { PoolLimits } from './pool-intake.ts';

/** What the lab needs of the node: its state, and its one way of changing it (see ChainNode's #commit). */
export interface ChainLabDeps {
  blockchain: Blockchain;
  rules: ChainRules;
  limits: PoolLimits;
  events: EventEmitter<NodeEvents>;
  /** Runs `step` in the node's turn for changes that move the tip (DurableWrites.inTurn). */
  inTurn: <T>(step: () => T | Promise<T>) => Promise<T>;
  /** Records a change, then applies it once durable; stops a proof search whose tip it replaced. */
  commit: (change: ChainChange) => Promise<Reorg>;
}

/** What a tampering did: the block rewritten, its new hash, and how many later blocks were relinked to it. */
export interface TamperOutcome {
  index: number;
  hash: string;
  relinked: number;
}

/** The node's state after a restore or a reset. */
export interface RestoreOutcome {
  length: number;
  pending: number;
}

/**
 * The lab's changes to a node's own state (issue 13): tampering with a block, restoring a snapshot,
 * resetting to the genesis block. Each is checked against the state in the node's turn, stored like
 * every other change (so it survives a restart with DATA_DIR), and announced as `replaced` with
 * `lab` set, so gossip announces the new tip and the explorer redraws. A refused one changes nothing.
 */
export class ChainLab {
  readonly #deps: ChainLabDeps;

  constructor(deps: ChainLabDeps) {
    this.#deps = deps;
  }

  /** Rewrites a transaction's amount in place, without mining: see Tampering and the `tamper` ChainChange. */
  tamper(tampering: Tampering): Promise<Verdict<TamperOutcome>> {
    const { blockchain, inTurn } = this.#deps;
    return inTurn(async (): Promise<Verdict<TamperOutcome>> => {
      const verdict = tamperedBlocks(blockchain.chain, tampering);
      if (!verdict.ok) return verdict;
      const { at, blocks } = verdict.value;
      await this.#replace('tamper', at, { type: 'tamper', at, blocks });
      return { ok: true, value: { index: at, hash: cachedHash(blocks[0]!), relinked: blocks.length - 1 } };
    });
  }

  /** Replaces the chain (even by a shorter one) and the pool by a snapshot's, once it proves valid (see validSnapshot). */
  restore(body: JsonValue): Promise<Verdict<RestoreOutcome>> {
    const { rules, limits } = this.#deps;
    // Checked outside the turn: the snapshot is checked against the rules, not against the state.
    const verdict = validSnapshot(body, rules, limits);
    if (!verdict.ok) return Promise.resolve(verdict);
    return this.#deps.inTurn(() => this.#restore('restore', verdict.value));
  }

  /** Back to the genesis block, with an empty pool: the network-wide reset calls it on every node. */
  reset(): Promise<RestoreOutcome> {
    return this.#deps.inTurn(async () => {
      const outcome = await this.#restore('reset', { chain: [genesisBlock()], pending: [] });
      return outcome.value;
    });
  }

  async #restore(lab: 'restore' | 'reset', { chain, pending }: Snapshot): Promise<{ ok: true; value: RestoreOutcome }> {
    const { blockchain } = this.#deps;
    await this.#replace(lab, forkPoint(blockchain.chain, chain), { type: 'restore', chain, pending });
    return { ok: true, value: { length: blockchain.length, pending: blockchain.pending.length } };
  }

  /** Commits `change`, which replaces the blocks from `from` on, and announces it. */
  async #replace(lab: LabChange, from: number, change: ChainChange): Promise<void> {
    const { blockchain, commit, events } = this.#deps;
    const before = blockchain.chain;
    await commit(change);
    // Not a reorg: nothing went back to the pool, and the dropped-blocks set leaves these out (see DroppedBlocks).
    const dropped = change.type === 'tamper' ? before.slice(from - 1, from - 1 + change.blocks.length) : before.slice(from - 1);
    events.emit('replaced', { chain: blockchain.chain, peer: `lab ${lab}`, from, dropped, returned: [], lab });
  }
}
