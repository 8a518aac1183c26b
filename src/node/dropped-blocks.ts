import type { EventEmitter } from 'node:events';
import type { Block, Transaction } from '../chain/block.ts';
import { measureBlock } from '../chain/block-hash-cache.ts';
import type { JsonObject } from '../chain/py-json.ts';
import { subscribe, type NodeEvents } from './node-events.ts';

/** Most dropped blocks kept: the explorer's block tree shows recent forks, not a history. */
export const MAX_DROPPED_BLOCKS = 256;
/** Most bytes of them (their canonical JSON), so that 256 blocks of MAX_BLOCK_BYTES cannot pile up. */
export const MAX_DROPPED_BYTES = 4 * 1024 * 1024;

/** A block this node held and gave up in a reorg. */
export interface DroppedBlock {
  /** Its position in the chain it left (a peer's block need not hold a right `index`). */
  position: number;
  block: Block;
  /** When it was dropped: seconds since the epoch. */
  droppedAt: number;
  /** The peer whose chain replaced it. */
  replacedBy: string;
  /** Its transactions that went back to the pool (those the new chain did not hold). */
  returned: Transaction[];
}

/**
 * The blocks this node dropped in reorgs, newest last, bounded by count and bytes: the block tree's
 * branches that lost (issue 13). Kept in memory only: a restart starts the tree afresh. A lab
 * tampering or restore replaces blocks without a reorg and is left out; a restore or reset starts
 * the set afresh, as a checkpoint of the class.
 */
export class DroppedBlocks {
  #blocks: { dropped: DroppedBlock; bytes: number }[] = [];
  #bytes = 0;
  readonly #clock: () => number;
  readonly #limits: { maxBlocks: number; maxBytes: number };

  /** Keeps what the reorgs announced on `events` drop, until the node closes. */
  constructor(
    clock: () => number,
    events: EventEmitter<NodeEvents>,
    limits = { maxBlocks: MAX_DROPPED_BLOCKS, maxBytes: MAX_DROPPED_BYTES },
  ) {
    this.#clock = clock;
    this.#limits = limits;
    const stop = subscribe(events, {
      replaced: ({ peer, from, dropped, returned, lab }) => {
        if (lab === 'restore' || lab === 'reset') this.clear();
        if (lab === undefined) this.add(dropped, from, peer, returned);
      },
      closed: () => stop(),
    });
  }

  /** Keeps `dropped`, the blocks from position `from` on, which `peer`'s chain replaced; `returned` went back to the pool. */
  add(dropped: readonly Block[], from: number, peer: string, returned: readonly Transaction[]): void {
    const back = new Set<object>(returned); // the very objects the dropped blocks held: see Blockchain's #replace
    const droppedAt = this.#clock();
    dropped.forEach((block, i) => {
      const bytes = measureBlock(block).bytes;
      if (bytes > this.#limits.maxBytes) return; // never kept: it would push out every other
      const transactions = Array.isArray(block.transactions) ? block.transactions : [];
      const mine = transactions.filter((item): item is Transaction => typeof item === 'object' && item !== null && back.has(item));
      this.#blocks.push({ dropped: { position: from + i, block, droppedAt, replacedBy: peer, returned: mine }, bytes });
      this.#bytes += bytes;
    });
    while (this.#blocks.length > this.#limits.maxBlocks || this.#bytes > this.#limits.maxBytes) this.#bytes -= this.#blocks.shift()!.bytes;
  }

  clear(): void {
    this.#blocks = [];
    this.#bytes = 0;
  }

  get blocks(): readonly DroppedBlock[] {
    return this.#blocks.map(({ dropped }) => dropped);
  }

  /** GET /lab/dropped's body: the blocks, oldest first, each with where it was, when and why it went. */
  json(): JsonObject {
    return {
      blocks: this.#blocks.map(({ dropped: { position, block, droppedAt, replacedBy, returned } }) => ({
        position,
        hash: measureBlock(block).hash,
        block,
        dropped_at: droppedAt,
        replaced_by: replacedBy,
        returned,
      })),
      max_blocks: this.#limits.maxBlocks,
      max_bytes: this.#limits.maxBytes,
    };
  }
}
