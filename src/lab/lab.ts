import type { JsonValue } from '../chain/py-json.ts';
import type { Verdict } from '../chain/validate.ts';
import type { Logger } from '../log/log.ts';
import type { PeerClient, PeerRequester } from '../peers/peer-client.ts';
import { FaultTable, parseGroups, parseLink, resolveGroups, resolvePeer, type Acquaintances, type PeerName } from './faults.ts';
import { faultyClient } from './lab-client.ts';
import { CommandRelay, type CommandHandlers, type RelayOutcome } from './relay.ts';
import type { MiningModeView } from '../node/mining-schedule.ts';

/** The node's mining mode as GET /lab shows it (issue 13, 2a): the node's mining schedule gives it. */
export type { MiningModeView } from '../node/mining-schedule.ts';

/** What the lab reads of the node's peers: PeerSet has both. */
export interface LabPeers {
  list(): readonly string[];
  statuses(): readonly PeerName[];
}

export interface LabDeps {
  nodeId: string;
  /** The `host:port` this node advertises, once it listens. */
  address: () => string | undefined;
  peers: LabPeers;
  /** The client without faults, for lab messages (relay.ts). */
  client: PeerRequester;
  log: Logger;
  /** How this node carries out network-wide commands besides partition and heal: `reset` (the node's side). */
  handlers?: Omit<CommandHandlers, 'partition' | 'heal'>;
  /** GET /lab's `mining`, once the node has modes; absent, GET /lab leaves it out. */
  miningMode?: () => MiningModeView;
  /** Command ids (relay.ts); random unless a test fixes them. */
  newId?: () => string;
  /** How long a node talks to no peer after a network-wide reset (see FaultTable.quiet). */
  resetQuietMs?: number;
  /** The fault table's clock, in ms; performance.now unless a test fixes it. */
  now?: () => number;
}

/**
 * How long a node talks to no peer after a network-wide reset, beyond the time the reset takes to
 * reach every node (server.ts adds twice PEER_TIMEOUT_MS): short enough to go unnoticed.
 */
export const RESET_QUIET_MS = 2000;

/** What a network-wide command did: this node's faults after it, and what each peer said to the relay. */
export interface CommandOutcome {
  lab: JsonValue;
  relayed: RelayOutcome[];
}

/**
 * The lab of one node (LAB=on): its faults, the client that applies them, the check of peers'
 * requests (inbound.ts), and the relay of network-wide commands. Faults live in memory only: a
 * restart clears them.
 */
export class Lab {
  readonly faults: FaultTable;
  readonly relay: CommandRelay;
  readonly #deps: LabDeps;

  constructor(deps: LabDeps) {
    this.#deps = deps;
    this.faults = new FaultTable(deps.now);
    const reset = deps.handlers?.reset;
    const handlers: CommandHandlers = {
      ...deps.handlers,
      ...(reset === undefined
        ? {}
        : {
            reset: (command) => {
              this.faults.quiet(deps.resetQuietMs ?? RESET_QUIET_MS);
              return reset(command);
            },
          }),
      partition: ({ groups }) => this.faults.partition(groups),
      heal: () => this.faults.heal(),
    };
    this.relay = new CommandRelay({
      peers: () => deps.peers.list(),
      address: deps.address,
      client: deps.client,
      handlers,
      log: deps.log,
      newId: deps.newId,
      now: deps.now,
    });
  }

  /** This node and its registered peers, as names are resolved against them. */
  acquaintances(): Acquaintances {
    return { self: { nodeId: this.#deps.nodeId, address: this.#deps.address() }, peers: this.#deps.peers.statuses() };
  }

  /** `client` with this lab's faults on every request (see lab-client.ts). */
  decorate(client: PeerClient, options: { timeoutMs: number; random?: () => number }): PeerClient {
    return faultyClient(client, (peer) => this.faults.outbound(peer, this.acquaintances()), options);
  }

  /** Why a peer request claiming to come from `nodeId` is refused, if it is. */
  refusal(nodeId: string): string | undefined {
    return this.faults.inbound(nodeId, this.acquaintances());
  }

  /** GET /lab: this node's faults, and its mining mode when the node has modes. */
  view(): JsonValue {
    const view = this.faults.view() as unknown as Record<string, JsonValue>;
    const mining = this.#deps.miningMode?.();
    return mining === undefined ? view : { ...view, mining: { ...mining } };
  }

  /** POST /lab/partition: checked against whom this node knows, then relayed and applied network-wide. */
  async partition(body: unknown): Promise<Verdict<CommandOutcome>> {
    const groups = parseGroups(isRecord(body) ? body.groups : undefined);
    if (!groups.ok) return groups;
    const known = resolveGroups(groups.value, this.acquaintances());
    if (!known.ok) return known;
    return this.#outcome(await this.relay.originate({ type: 'partition', groups: groups.value }));
  }

  /** POST /lab/heal: every fault of every node cleared. */
  async heal(): Promise<Verdict<CommandOutcome>> {
    return this.#outcome(await this.relay.originate({ type: 'heal' }));
  }

  /** POST /lab/links: this node's link fault to one peer. */
  setLink(body: unknown): Verdict<JsonValue> {
    const parsed = parseLink(body);
    if (!parsed.ok) return parsed;
    const known = resolvePeer(parsed.value.peer, this.acquaintances());
    if (!known.ok) return known;
    if (!this.faults.setLink(parsed.value.peer, parsed.value.link)) return { ok: false, reason: 'too many links set: heal first' };
    return { ok: true, value: this.view() };
  }

  #outcome(relayed: RelayOutcome[]): Verdict<CommandOutcome> {
    return { ok: true, value: { lab: this.view(), relayed } };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
