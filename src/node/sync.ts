import type { EventEmitter } from 'node:events';
import type { Block } from '../chain/block.ts';
import { preferenceOrder } from '../chain/consensus.ts';
import type { ChainRules } from '../chain/rules.ts';
import type { Logger } from '../log/log.ts';
import { askPeer, type Offer, type PeerPoll } from '../peers/catch-up.ts';
import type { PeerClient } from '../peers/peer-client.ts';
import type { Lookup } from '../peers/peer-discovery.ts';
import { logExchange } from '../peers/peer-log.ts';
import type { Exchange, PeerSet, PeerStatus } from '../peers/peer-set.ts';
import { hostAddresses, sameEndpoint, type HostAddresses } from '../peers/same-endpoint.ts';
import type { NodeEvents } from './node-events.ts';
import { PeerPenalties, type Failure } from './peer-penalties.ts';
import type { Verdict } from '../chain/validate.ts';

export interface SkippedPeer {
  node: string;
  reason: string;
}

export interface Resolution {
  replaced: boolean;
  chain: readonly Block[];
  skipped: SkippedPeer[];
}

/** What a sync needs of the node: who it is, its chain and rules, how it adopts a chain, and its peers. */
export interface SyncDeps {
  nodeId: string;
  rules: ChainRules;
  /** The node's chain as it is now: read at each step, since it may change while the peers are asked. */
  chain: () => readonly Block[];
  /**
   * Adopts a valid chain from `peer` if it is still longer than the node's, and the node's state was
   * not set by hand (a lab reset, restore or tampering: see ChainNode's epoch) since `epoch`, when
   * the round began asking; whether it did, once it is durable.
   */
  adopt: (chain: Block[], peer: string, epoch: number) => Promise<boolean>;
  /** How many times the node's state was set by hand so far: a chain asked for before is not adopted after. */
  epoch: () => number;
  /** The rules beyond the chain's own a fetched chain must keep (TX_RULE=signed's accounts); none unless given. */
  checkChain?: (chain: readonly Block[]) => Verdict<null>;
  /** Where the node's `peers` and `peerFailure` events go. */
  events: EventEmitter<NodeEvents>;
  peers: PeerSet;
  peerClient: PeerClient;
  /** What host names resolve to: the evidence that two peers claiming one id are one endpoint (see sameEndpoint). */
  lookup: Lookup;
  /** Seconds since the epoch, as a float. */
  clock: () => number;
  log: Logger;
}

/**
 * The reference's consensus, run against the node's peers, and the standing of each peer that it
 * and every other exchange with a peer leave behind.
 */
export class PeerSync {
  #deps: SyncDeps;
  #syncing: Promise<Resolution> | undefined;
  #queued: Promise<Resolution> | undefined;
  /**
   * Peers skipped for a while after an invalid answer. Every round honours them, GET /nodes/resolve
   * too: otherwise a client calling resolve again and again would have the node read and parse a
   * hostile peer's huge answer each time, which is the freeze the penalty is there to prevent.
   */
  #penalties = new PeerPenalties();

  constructor(deps: SyncDeps) {
    this.#deps = deps;
  }

  /**
   * Adopts the longest valid chain among the peers, if longer than ours, the first registered
   * winning a tie. A sync already under way is not interrupted: the call waits for the next one,
   * which starts when it ends, and concurrent callers share that one.
   */
  sync(): Promise<Resolution> {
    if (this.#syncing === undefined) {
      this.#syncing = this.#round().finally(() => (this.#syncing = undefined));
      return this.#syncing;
    }
    this.#queued ??= this.#syncing.then(
      () => this.#next(),
      () => this.#next(),
    );
    return this.#queued;
  }

  #next(): Promise<Resolution> {
    this.#queued = undefined;
    return this.sync();
  }

  /**
   * One round, with anything unexpected logged: what a peer sends is checked and bounded, so a throw
   * here is a bug, and syncs run unattended (gossip's timer), where nobody else would hear of it.
   */
  async #round(): Promise<Resolution> {
    try {
      return await this.#askAndAdopt();
    } catch (error) {
      this.#deps.log.error({ err: error }, `a sync round failed: ${String(error)}`);
      throw error;
    }
  }

  async #askAndAdopt(): Promise<Resolution> {
    const { peers, peerClient, log, nodeId, rules, chain, adopt, events, lookup, clock } = this.#deps;
    const epoch = this.#deps.epoch();
    const registered = peers.list();
    this.#penalties.keepOnly(registered);
    const before = peers.statuses();
    // A round records a peer twice (its tip, then its chain): news is judged against the round before.
    const lastErrors = new Map(registered.map((peer) => [peer, peers.lastReason(peer)]));
    const skipped: SkippedPeer[] = [];
    const report = (node: string, reason: string) => {
      skipped.push({ node, reason });
      events.emit('peerFailure', { node, reason });
    };
    // Clients see a peer's reason only once it has answered validly (see PeerSet.shownReason).
    const skip = (node: string, reason: string) => report(node, peers.shownReason(node, reason));
    const asked = registered.filter((peer) => {
      const penalty = this.#penalties.skipReason(peer, clock());
      if (penalty !== undefined) skip(peer, penalty);
      return penalty === undefined;
    });
    // Peers that answered validly this round, their tip and any chain fetched from them: their penalty ends.
    const valid = new Set<string>();
    const invalid = (peer: string, failure: Failure) => {
      valid.delete(peer);
      if (PeerPenalties.isInvalidAnswer(failure)) this.#penalties.penalise(peer, failure.reason, clock());
    };
    const polls = await Promise.all(asked.map((peer) => askPeer(peer, { peerClient, nodeId, chain, rules })));
    const addressesOf = hostAddresses(lookup);
    const sameAs = await Promise.all(polls.map((poll, i) => this.#sameAs(asked[i]!, poll, addressesOf)));
    const offers: Offer[] = [];
    polls.forEach((poll, i) => {
      const peer = asked[i]!;
      if (poll.self) {
        peers.markSelf(peer);
        log.info({ peer }, `peer ${peer} is this node itself; removed from the peers`);
        return report(peer, 'this node itself; removed from the peers');
      }
      if (this.#merge(peer, sameAs[i])) return;
      this.#record(peer, { answered: poll.answered, length: poll.length, error: poll.ok ? undefined : poll.reason }, lastErrors.get(peer));
      if (!poll.ok) {
        invalid(peer, poll);
        return skip(peer, poll.reason);
      }
      valid.add(peer);
      if (poll.offer !== undefined) offers.push(poll.offer);
    });
    let replaced = false;
    for (const offer of preferenceOrder(chain().length, offers)) {
      if (offer.length <= chain().length) break;
      const fetched = await offer.fetch();
      // A chain that breaks the accounts is an invalid answer like any other: skipped with its reason, the peer penalised.
      const accounts = fetched.ok ? this.#deps.checkChain?.(fetched.value) : undefined;
      const verdict = accounts?.ok === false ? { ok: false as const, reason: `invalid chain: ${accounts.reason}` } : fetched;
      if (!verdict.ok) {
        this.#record(offer.peer, { answered: true, error: verdict.reason }, lastErrors.get(offer.peer));
        invalid(offer.peer, verdict);
        skip(offer.peer, verdict.reason);
        continue;
      }
      replaced = await adopt(verdict.value, offer.peer, epoch);
      if (replaced) break;
    }
    for (const peer of valid) this.#penalties.clear(peer);
    // A sync runs every few seconds: only news is announced (or logged above debug), not that the peers answered again.
    this.#announceIfChanged(before);
    if (!replaced) {
      const count = registered.length === 1 ? '1 peer' : `${registered.length} peers`;
      log.debug({ peers: registered.length, skipped: skipped.length }, `synced with ${count}: no longer chain`);
    }
    // In the order the peers were registered, as the reference's loop meets them.
    skipped.sort((a, b) => registered.indexOf(a.node) - registered.indexOf(b.node));
    return { replaced, chain: chain(), skipped };
  }

  /**
   * What another part of the node (the explorer's network view) learned by asking a peer: kept with
   * what syncs learn, so that every view of a peer shows the same standing. Whether it is another
   * peer under a second name is for the next sync to find out.
   */
  noteExchange(peer: string, exchange: Exchange, nodeId: string | undefined): void {
    if (nodeId === this.#deps.nodeId) return; // this node under another name: the next sync removes it
    const before = this.#deps.peers.statuses();
    if (nodeId !== undefined) this.#deps.peers.identify(peer, nodeId);
    this.#record(peer, exchange);
    this.#announceIfChanged(before);
  }

  /** Records an exchange with a peer and logs what it means, with the exact reason (see peer-log.ts). */
  #record(peer: string, exchange: Exchange, previousError = this.#deps.peers.lastReason(peer)): void {
    const { peers, clock, log } = this.#deps;
    logExchange(log, peer, exchange, peers.record(peer, exchange, clock()), previousError);
  }

  /**
   * The peer registered earlier that `peer` is another name of, if any. A peer claiming the id of
   * another proves nothing (ids are public in /health): only evidence that both addresses reach one
   * endpoint does. Without it both stay peers, each with the id it claims.
   */
  async #sameAs(peer: string, poll: PeerPoll, addressesOf: HostAddresses): Promise<string | undefined> {
    if (poll.self || poll.nodeId === undefined) return undefined;
    for (const other of this.#deps.peers.identify(peer, poll.nodeId)) if (await sameEndpoint(peer, other, addressesOf)) return other;
    return undefined;
  }

  /** Forgets `peer` as another name of `sameAs`, if it is one; whether it did. */
  #merge(peer: string, sameAs: string | undefined): boolean {
    if (sameAs === undefined || !this.#deps.peers.mergeAlias(peer, sameAs)) return false;
    // A replica found by its IP and by its host name: one node, one peer.
    this.#deps.log.info({ peer, same_as: sameAs }, `peer ${peer} is ${sameAs} under another name; removed from the peers`);
    return true;
  }

  #announceIfChanged(before: readonly PeerStatus[]): void {
    const after = this.#deps.peers.statuses();
    if (!sameStanding(before, after)) this.#deps.events.emit('peers', { peers: after });
  }
}

/** The same peers, each as reachable, as long, with the same id and last error: only last_seen moved on. */
function sameStanding(before: readonly PeerStatus[], after: readonly PeerStatus[]): boolean {
  const standing = (statuses: readonly PeerStatus[]) =>
    JSON.stringify(statuses.map(({ node, reachable, length, lastError, nodeId }) => [node, reachable, length, lastError, nodeId]));
  return standing(before) === standing(after);
}
