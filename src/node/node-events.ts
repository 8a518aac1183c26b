import type { EventEmitter } from 'node:events';
import type { Block, ForgedBlock, Transaction } from '../chain/block.ts';
import type { Reorg } from '../chain/blockchain.ts';
import type { PeerStatus } from '../peers/peer-set.ts';

/**
 * Whom this node owes news it took in, over the broadcast tree of src/peers/broadcast-tree.ts: the
 * whole ring, as the news's origin; the ring up to `limit`, as the peer that told it asked; or
 * nobody, for a peer that asked for no relay (an older chainlab, which tells every peer itself).
 */
export type Relay = 'origin' | 'none' | { limit: string };

/** The lab command that replaced a node's blocks: see ChainLab. */
export type LabChange = 'tamper' | 'restore' | 'reset';

/**
 * What a node announces as it changes, for whoever watches (gossip, the explorer, the metrics).
 * Listeners run synchronously after the change: they must not throw or block.
 */
export interface NodeEvents {
  /** This node mined `block`; the proof search took `miningMs`. */
  mined: [{ block: ForgedBlock; miningMs: number }];
  /** A block announced by a peer extended this node's chain; `relay`: what the peer asked of this node. */
  appended: [{ block: Block; relay: Relay }];
  /**
   * This node adopted the longer chain of `peer`, from position `from` on; gossip announces it to the
   * whole ring. With `lab` set, a lab command replaced the blocks instead (see ChainLab), and `peer`
   * is `lab tamper`, `lab restore` or `lab reset`.
   */
  replaced: [{ chain: readonly Block[]; peer: string; from: number; lab?: LabChange } & Reorg];
  /** A transaction joined the pool, from a client (without `relay`: this node is its origin) or a peer. */
  transaction: [{ transaction: Transaction; relay?: Relay }];
  /** Peers were registered, or what is known of them changed. */
  peers: [{ peers: readonly PeerStatus[] }];
  /** A peer could not be asked, or its answer was rejected. */
  peerFailure: [{ node: string; reason: string }];
  /** The node is shutting down: watchers let go of it. */
  closed: [];
}

/** Listeners for some of a node's events, each typed by its event. */
export type NodeListeners = { readonly [K in keyof NodeEvents]?: (...args: NodeEvents[K]) => void };

/**
 * Adds each of `listeners` to the node's events; returns what removes them all again. Every part
 * that watches the node subscribes through here, so what it adds and what it removes are one list.
 */
export function subscribe(events: EventEmitter<NodeEvents>, listeners: NodeListeners): () => void {
  // Object.keys is typed for any object; these are the keys of a NodeListeners.
  const names = Object.keys(listeners) as (keyof NodeEvents)[];
  const added = names.flatMap((name) => {
    const listener = listeners[name];
    if (listener === undefined) return [];
    events.on(name, listener);
    return [() => void events.off(name, listener)];
  });
  return () => added.forEach((remove) => remove());
}
