import type { Context } from 'koa';
import type { Block } from '../chain/block.ts';
import { cachedHash } from '../chain/block-hash-cache.ts';
import type { JsonObject } from '../chain/py-json.ts';
import { clip } from '../http/clip.ts';
import type { NetworkRole } from '../http/app.ts';
import { modeJson, peerJson } from '../http/routes/operations.ts';
import type { ChainNode } from '../node/chain-node.ts';
import { subscribe, type NodeListeners } from '../node/node-events.ts';
import type { PeerStatus } from '../peers/peer-set.ts';
import { eventFrame, openEventStream, type EventStream } from './event-stream.ts';
import { blockView, CHAIN_TAIL, eventBudget, pendingView, tailView, transactionView, type EventBudget } from './event-views.ts';

export interface EventBroadcastOptions {
  /** MAX_EVENT_CLIENTS: one stream more is refused with 429 before it opens. */
  maxClients: number;
  /** EVENT_BUFFER_BYTES: what may wait unread for one client; every event is a fraction of it (eventBudget). */
  bufferBytes: number;
  keepAliveMs?: number;
}

/** Most characters of a peer's reason or id in an event: they quote what a peer sent. */
const REASON_CHARS = 500;

/**
 * The explorer's GET /events, for every page at once. It listens to the node once, however many
 * pages are open (and not at all when none is), writes each event once into a Buffer and hands that
 * same Buffer to every page, so an event costs one serialisation and the memory of one copy. A page
 * holds at most `bufferBytes` unread before it is cut off (its browser reconnects), and at most
 * `maxClients` pages are served at once.
 */
export class EventBroadcast {
  readonly #node: ChainNode;
  readonly #role: NetworkRole;
  readonly #options: EventBroadcastOptions;
  readonly #budget: EventBudget;
  readonly #clients = new Set<EventStream>();
  #unsubscribe: (() => void) | undefined;

  constructor(node: ChainNode, role: NetworkRole, options: EventBroadcastOptions) {
    this.#node = node;
    this.#role = role;
    this.#options = options;
    this.#budget = eventBudget(options.bufferBytes);
  }

  /** How many pages are being served. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Serves `ctx` as an event stream: a snapshot of the node, then its events. 429 when full. */
  open(ctx: Context): void {
    const { maxClients, bufferBytes, keepAliveMs } = this.#options;
    if (this.#clients.size >= maxClients) {
      ctx.throw(429, `this node serves at most ${maxClients} event streams at once (MAX_EVENT_CLIENTS), and all are open; try again later`);
    }
    const stream = openEventStream(ctx, { maxBufferedBytes: bufferBytes, ...(keepAliveMs === undefined ? {} : { keepAliveMs }) });
    stream.send('snapshot', this.#snapshot());
    this.#clients.add(stream);
    this.#unsubscribe ??= subscribe(this.#node.events, this.#listeners());
    stream.onClose(() => {
      this.#clients.delete(stream);
      if (this.#clients.size === 0) this.#stopListening();
    });
  }

  #stopListening(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Writes the event once and hands the frame to every client; a client that cannot keep up cuts itself off. */
  #broadcast(event: string, data: JsonObject): void {
    const frame = eventFrame(event, data);
    for (const client of [...this.#clients]) client.write(frame);
  }

  #pending(): ReturnType<typeof pendingView> {
    return pendingView(this.#node.pending, this.#budget.pendingBytes);
  }

  #snapshot(): JsonObject {
    const node = this.#node;
    return {
      node_id: node.nodeId,
      mode: modeJson(node, this.#role),
      length: node.chain.length,
      blocks: tailView(node.chain, this.#budget),
      ...this.#pending(),
      peers: peersJson(node.peerStatuses()),
    };
  }

  // The node calls its listeners synchronously, inside /mine and /nodes/resolve: they must not
  // throw. What they send is bounded whatever the chain and the pool hold (event-views.ts).
  #listeners(): NodeListeners {
    const node = this.#node;
    const { wholeBlockBytes } = this.#budget;
    return {
      mined: ({ block, miningMs }) => {
        const data = { block: blockView(block, wholeBlockBytes), length: node.chain.length, mining_ms: Math.round(miningMs) };
        this.#broadcast('mined', { ...data, ...this.#pending() });
      },
      appended: ({ block }) => {
        this.#broadcast('appended', { block: blockView(block, wholeBlockBytes), length: node.chain.length, ...this.#pending() });
      },
      replaced: ({ chain, peer, from, dropped, returned }) => {
        this.#broadcast('replaced', {
          peer,
          from,
          length: chain.length,
          blocks: tailView(chain, this.#budget),
          dropped: droppedLinks(dropped, from),
          dropped_count: dropped.length,
          returned_count: returned.length,
          ...this.#pending(),
        });
      },
      transaction: ({ transaction }) => {
        this.#broadcast('transaction', { transaction: transactionView(transaction), pending_count: node.pending.length });
      },
      peers: ({ peers }) => this.#broadcast('peers', { peers: peersJson(peers) }),
      peerFailure: ({ node: peer, reason }) => this.#broadcast('peerFailure', { node: peer, reason: clip(reason, REASON_CHARS) }),
      closed: () => {
        for (const client of [...this.#clients]) client.end();
        this.#stopListening();
      },
    };
  }
}

/** The peers as GET /nodes lists them, with what a peer said of itself cut short. */
function peersJson(peers: readonly PeerStatus[]): JsonObject[] {
  return peers.map((peer) => {
    const json = peerJson(peer);
    const { node_id, last_error } = json;
    return {
      ...json,
      node_id: typeof node_id === 'string' ? clip(node_id, REASON_CHARS) : null,
      last_error: typeof last_error === 'string' ? clip(last_error, REASON_CHARS) : null,
    };
  });
}

/**
 * Where and what the dropped blocks were, the newest CHAIN_TAIL of them: by position, not by their
 * `index` field, which a peer's block need not hold.
 */
function droppedLinks(dropped: readonly Block[], from: number): JsonObject[] {
  const skipped = Math.max(0, dropped.length - CHAIN_TAIL);
  return dropped.slice(skipped).map((block, i) => ({ index: from + skipped + i, hash: cachedHash(block) }));
}
