import { transactionKey } from '../chain/block.ts';
import type { ChainNode, NodeEvents } from '../node/chain-node.ts';
import type { Logger } from '../log/log.ts';
import type { PeerAnswer, PeerClient } from './peer-client.ts';
import type { PeerStatus } from './peer-set.ts';

export interface GossipOptions {
  node: ChainNode;
  peerClient: PeerClient;
  log: Logger;
  /** The `host:port` this node gives when it introduces itself to a peer. */
  advertiseAddress: string;
  /** How often to sync with the peers regardless of announcements (0: never). */
  syncIntervalMs: number;
  /** Waits between retries to a peer that failed: doubling from `minMs` up to `maxMs`. */
  retry?: { minMs: number; maxMs: number };
}

export interface Gossip {
  stop(): void;
}

/** Transactions sent to a peer in one request. */
const BATCH = 500;

/** What this node still owes one peer. */
interface PeerState {
  /** Keys (transactionKey) of pending transactions the peer may not have yet. */
  outbox: Set<string>;
  sending: boolean;
  /** Set while waiting to retry the outbox. */
  retryTimer: NodeJS.Timeout | undefined;
  sendBackoff: Backoff;
  introduceTimer: NodeJS.Timeout | undefined;
  introduceBackoff: Backoff;
  reachable: boolean | undefined;
}

/**
 * What a node does on its own initiative, so that the network converges without anyone calling
 * /nodes/resolve:
 * - every block it mines or adopts is announced to its peers (POST /gossip/blocks), which append it
 *   or sync;
 * - every transaction it pools is passed on (POST /gossip/transactions), batched per peer and
 *   retried with backoff until the peer has it; a peer that comes back gets the whole pool;
 * - it introduces itself to every peer it learns of (POST /nodes/register), so registration works
 *   both ways, retrying with backoff until the peer is up;
 * - every `syncIntervalMs` it syncs: asks each peer its tip and catches up from the longest. This
 *   is what heals a partition, or a missed announcement.
 * A peer that does not speak gossip (the reference node: 404) still gets introductions and is still
 * synced with; announcements and transactions are not sent to it again.
 */
export function startGossip({ node, peerClient, log, advertiseAddress, syncIntervalMs, retry = { minMs: 500, maxMs: 30_000 } }: GossipOptions): Gossip {
  const states = new Map<string, PeerState>();
  /** Peers that answered a gossip request with 404: they only take part through sync. */
  const silent = new Set<string>();
  let stopped = false;
  let announcePending = false;

  const announce = () => {
    // Several changes in one turn of the event loop (a reorg and a block after it) make one announcement.
    if (announcePending) return;
    announcePending = true;
    setImmediate(() => {
      announcePending = false;
      if (stopped) return;
      const { chain } = node;
      const body = { block: chain[chain.length - 1]!, length: chain.length };
      for (const peer of states.keys()) {
        if (silent.has(peer)) continue;
        void peerClient.post(peer, '/gossip/blocks', body).then((answer) => {
          if (!answer.ok) noteFailure(peer, 'announcing a block', answer);
        });
      }
    });
  };

  const noteFailure = (peer: string, what: string, answer: Extract<PeerAnswer, { ok: false }>) => {
    if (answer.status === 404) {
      silent.add(peer);
      states.get(peer)?.outbox.clear();
      log.info({ peer }, `peer ${peer} does not take gossip (a reference node?): it is kept in sync by polling only`);
    } else {
      log.debug({ peer, reason: answer.reason }, `${what} to ${peer} failed: ${answer.reason}`);
    }
  };

  const send = async (peer: string, state: PeerState): Promise<void> => {
    if (stopped || state.sending || state.retryTimer !== undefined || silent.has(peer)) return;
    const keys = [...state.outbox].slice(0, BATCH);
    if (keys.length === 0) return;
    const transactions = keys.flatMap((key) => node.pendingTransaction(key) ?? []);
    state.sending = true;
    // Mined meanwhile: the peer gets those with the block.
    const answer = transactions.length === 0 ? undefined : await peerClient.post(peer, '/gossip/transactions', { transactions });
    state.sending = false;
    if (stopped || states.get(peer) !== state) return;
    if (answer === undefined || answer.ok || refusedForGood(answer)) {
      if (answer?.ok === false) log.warn({ peer, reason: answer.reason }, `peer ${peer} refused ${transactions.length} transactions: ${answer.reason}`);
      for (const key of keys) state.outbox.delete(key);
      state.sendBackoff.reset();
      return send(peer, state);
    }
    noteFailure(peer, 'passing on transactions', answer);
    if (silent.has(peer)) return;
    state.retryTimer = setTimeout(() => {
      state.retryTimer = undefined;
      void send(peer, state);
    }, state.sendBackoff.next()).unref();
  };

  const introduce = async (peer: string, state: PeerState): Promise<void> => {
    const answer = await peerClient.post(peer, '/nodes/register', { nodes: [`http://${advertiseAddress}`] });
    if (stopped || states.get(peer) !== state) return;
    if (answer.ok) {
      log.debug({ peer }, `introduced this node to ${peer} as ${advertiseAddress}`);
    } else if (answer.status === 400) {
      log.warn({ peer, reason: answer.reason }, `peer ${peer} refused this node's address ${advertiseAddress}: ${answer.reason}`);
    } else {
      state.introduceTimer = setTimeout(() => void introduce(peer, state), state.introduceBackoff.next()).unref();
    }
  };

  /** The whole pool, for a peer that is new or back. */
  const owePool = (peer: string, state: PeerState) => {
    for (const transaction of node.pending) state.outbox.add(transactionKey(transaction));
    void send(peer, state);
  };

  const onPeers = ({ peers }: { peers: readonly PeerStatus[] }) => {
    const current = new Set(peers.map((status) => status.node));
    for (const [peer, state] of states) {
      if (current.has(peer)) continue;
      clearTimeout(state.retryTimer);
      clearTimeout(state.introduceTimer);
      states.delete(peer);
    }
    for (const { node: peer, reachable } of peers) {
      let state = states.get(peer);
      if (state === undefined) {
        state = newState(retry, reachable);
        states.set(peer, state);
        void introduce(peer, state);
        owePool(peer, state);
        continue;
      }
      if (reachable === true && state.reachable === false) {
        // Back after a partition or a restart: whatever it missed, it gets now.
        clearTimeout(state.retryTimer);
        state.retryTimer = undefined;
        state.sendBackoff.reset();
        owePool(peer, state);
      }
      state.reachable = reachable;
    }
  };

  const listeners = {
    mined: announce,
    appended: announce,
    replaced: ({ returned }: NodeEvents['replaced'][0]) => {
      // The transactions of dropped blocks are pending again here; peers that adopted the same chain have them back too, or not.
      announce();
      for (const [peer, state] of states) {
        for (const transaction of returned) state.outbox.add(transactionKey(transaction));
        void send(peer, state);
      }
    },
    transaction: ({ transaction }: NodeEvents['transaction'][0]) => {
      const key = transactionKey(transaction);
      for (const [peer, state] of states) {
        state.outbox.add(key);
        void send(peer, state);
      }
    },
    peers: onPeers,
  };
  node.events.on('mined', listeners.mined);
  node.events.on('appended', listeners.appended);
  node.events.on('replaced', listeners.replaced);
  node.events.on('transaction', listeners.transaction);
  node.events.on('peers', listeners.peers);
  onPeers({ peers: node.peerStatuses() });

  const syncTimer = syncIntervalMs > 0 ? setInterval(() => void node.sync(), syncIntervalMs).unref() : undefined;
  if (node.peers.length > 0) void node.sync();

  return {
    stop() {
      stopped = true;
      clearInterval(syncTimer);
      for (const state of states.values()) {
        clearTimeout(state.retryTimer);
        clearTimeout(state.introduceTimer);
      }
      node.events.off('mined', listeners.mined);
      node.events.off('appended', listeners.appended);
      node.events.off('replaced', listeners.replaced);
      node.events.off('transaction', listeners.transaction);
      node.events.off('peers', listeners.peers);
    },
  };
}

/** A 4xx other than 404 (a node without gossip): the same request would get the same answer. */
function refusedForGood(answer: Extract<PeerAnswer, { ok: false }>): boolean {
  return answer.status !== undefined && answer.status >= 400 && answer.status < 500 && answer.status !== 404;
}

function newState(retry: { minMs: number; maxMs: number }, reachable: boolean | undefined): PeerState {
  return {
    outbox: new Set(),
    sending: false,
    retryTimer: undefined,
    sendBackoff: new Backoff(retry.minMs, retry.maxMs),
    introduceTimer: undefined,
    introduceBackoff: new Backoff(retry.minMs, retry.maxMs),
    reachable,
  };
}

/** Waits that double from `minMs` to `maxMs`, each with up to a fifth added at random so peers do not retry in step. */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #next: number;

  constructor(minMs: number, maxMs: number) {
    this.#minMs = minMs;
    this.#maxMs = maxMs;
    this.#next = minMs;
  }

  next(): number {
    const wait = this.#next;
    this.#next = Math.min(this.#maxMs, this.#next * 2);
    return Math.round(wait * (1 + Math.random() / 5));
  }

  reset(): void {
    this.#next = this.#minMs;
  }
}
