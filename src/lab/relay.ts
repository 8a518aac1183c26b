import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../chain/py-json.ts';
import type { Verdict } from '../chain/validate.ts';
import type { Logger } from '../log/log.ts';
import { parsePeerAddress } from '../peers/peer-address.ts';
import type { PeerRequester } from '../peers/peer-client.ts';
import { parseGroups } from './faults.ts';

/** A network-wide lab command: what every node carries out, each on its own faults or state. */
export type LabCommand =
  { id: string; type: 'partition'; groups: string[][] } | { id: string; type: 'heal' } | { id: string; type: 'reset' };

export type CommandType = LabCommand['type'];
const COMMAND_TYPES: readonly CommandType[] = ['partition', 'heal', 'reset'];

/** How this node carries out each type of command; one without a handler is refused when relayed. */
export type CommandHandlers = { [T in CommandType]?: (command: Extract<LabCommand, { type: T }>) => void | Promise<void> };

/** Commands remembered, by id, for dedupe and for peers confirming them; the oldest let go first. */
export const MAX_COMMANDS = 256;
/**
 * How long after this node made or took a command it serves it at GET /lab/commands/:id: long
 * enough for every peer to confirm a relay, which they do at once. Past it, a confirmation fails,
 * so an old id posted to a node that restarted (and forgot it had seen it) gets nothing re-run.
 */
export const COMMAND_TTL_MS = 30_000;
/** A command id as this node makes them (32 hex digits), or any peer's of similar shape. */
const COMMAND_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What relaying a command to one peer gave. */
export interface RelayOutcome {
  node: string;
  ok: boolean;
  reason?: string;
}

export interface RelayDeps {
  /** This node's registered peers (PeerSet.list). */
  peers: () => readonly string[];
  /** The `host:port` this node advertises: what it names itself by in a relay. */
  address: () => string | undefined;
  /** The client without the lab's faults: lab messages cross every fault, so a heal reaches a cut-off node. */
  client: PeerRequester;
  handlers: CommandHandlers;
  log: Logger;
  newId?: () => string;
  /** A monotonic clock, in ms, for COMMAND_TTL_MS; performance.now unless a test fixes it. */
  now?: () => number;
}

/** A command seen (undefined while it is being confirmed), and when this node made or took it. */
interface Seen {
  command: LabCommand | undefined;
  at: number;
}

/** A command as JSON, for GET /lab/commands/:id and for the relay's peers. */
export function commandJson(command: LabCommand): JsonValue {
  return command.type === 'partition' ? { id: command.id, type: command.type, groups: command.groups } : { ...command };
}

/** A command as a peer describes it, checked as a client's would be (bounds included). */
export function parseCommand(value: unknown): Verdict<LabCommand> {
  const { id, type, groups } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof id !== 'string' || !COMMAND_ID.test(id)) return { ok: false, reason: 'a command id is 1 to 64 letters, digits, - or _' };
  if (!COMMAND_TYPES.includes(type as CommandType)) return { ok: false, reason: `a command's type is one of ${COMMAND_TYPES.join(', ')}` };
  if (type !== 'partition') return { ok: true, value: { id, type: type as 'heal' | 'reset' } };
  const parsed = parseGroups(groups);
  return parsed.ok ? { ok: true, value: { id, type, groups: parsed.value } } : parsed;
}

/**
 * Passes network-wide commands (partition, heal, reset) to every peer, and takes them from peers.
 * A relay says only a command's id and who sends it; the receiver believes neither. It takes a
 * relay only from an address it has registered, and asks that address for the command (GET
 * /lab/commands/:id) before carrying it out: a client that merely claims to be a peer gets
 * nothing done, and a peer is taken at most for what it serves at its own registered address.
 * A command is served for COMMAND_TTL_MS only, so a relay cannot be replayed later.
 * Each node passes a command on before carrying it out, so it is on its way before a link is cut.
 */
export class CommandRelay {
  readonly #deps: RelayDeps;
  /** Commands seen, by id, in the order seen: kept past COMMAND_TTL_MS for dedupe, but not served. */
  #seen = new Map<string, Seen>();
  readonly #now: () => number;

  constructor(deps: RelayDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => performance.now());
  }

  /** Whether this node carries out commands of `type` (a reset needs the node's handler). */
  carries(type: CommandType): boolean {
    return this.#deps.handlers[type] !== undefined;
  }

  /** A command this node made or took, by id, for COMMAND_TTL_MS after it did: what GET /lab/commands/:id serves. */
  command(id: string): LabCommand | undefined {
    const seen = this.#seen.get(id);
    return seen !== undefined && this.#now() - seen.at < COMMAND_TTL_MS ? seen.command : undefined;
  }

  /** Starts a command here: relays it to every peer, awaits their answers, then carries it out. */
  async originate(body: { type: 'partition'; groups: string[][] } | { type: 'heal' | 'reset' }): Promise<RelayOutcome[]> {
    const id = (this.#deps.newId ?? (() => randomUUID().replaceAll('-', '')))();
    const command: LabCommand = { ...body, id };
    this.#remember(id, command);
    const outcomes = await Promise.all(this.#deps.peers().map((peer) => this.#relayTo(peer, id)));
    await this.#carryOut(command);
    return outcomes;
  }

  /**
   * A relay from a peer: `from` must be registered here, and serve the command. Resolves to what
   * happened: carried out, already known, or refused with a reason (and the status to answer).
   */
  async receive(body: unknown): Promise<{ ok: true; status: 'applied' | 'known' } | { ok: false; status: number; reason: string }> {
    const { id, from } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const shape = 'expected {"id": "...", "from": "host:port"}';
    if (typeof id !== 'string' || !COMMAND_ID.test(id))
      return { ok: false, status: 400, reason: `${shape}: id is 1 to 64 letters, digits, - or _` };
    if (typeof from !== 'string') return { ok: false, status: 400, reason: `${shape}: from is the sender's address` };
    const sender = parsePeerAddress(from);
    if (!sender.ok) return { ok: false, status: 400, reason: `from: ${sender.reason}` };
    // Before "known": a client that is no peer learns nothing, not even which ids this node has seen.
    if (!this.#deps.peers().includes(sender.value))
      return {
        ok: false,
        status: 403,
        reason: `${sender.value} is not a registered peer of this node: a lab command is taken from peers only`,
      };
    if (this.#seen.has(id)) return { ok: true, status: 'known' };
    this.#remember(id, undefined);
    const confirmed = await this.#confirm(sender.value, id);
    if (!confirmed.ok) {
      this.#seen.delete(id);
      return { ok: false, status: 403, reason: confirmed.reason };
    }
    this.#remember(id, confirmed.value);
    // Passed on first: see the class comment. Its peers answer in their own time.
    for (const peer of this.#deps.peers()) if (peer !== sender.value) void this.#relayTo(peer, id);
    await this.#carryOut(confirmed.value);
    return { ok: true, status: 'applied' };
  }

  /** The command as the sender serves it at its registered address. */
  async #confirm(sender: string, id: string): Promise<Verdict<LabCommand>> {
    const reply = await this.#deps.client.get(sender, `/lab/commands/${id}`);
    if (!reply.ok) return { ok: false, reason: `could not confirm command ${id} with ${sender}: ${reply.reason}` };
    const command = parseCommand(reply.value.body);
    if (!command.ok) return { ok: false, reason: `${sender} serves command ${id} in a form this node does not take: ${command.reason}` };
    if (command.value.id !== id) return { ok: false, reason: `${sender} served another command than ${id}` };
    if (this.#deps.handlers[command.value.type] === undefined)
      return { ok: false, reason: `this node does not carry out '${command.value.type}' commands` };
    return command;
  }

  async #relayTo(peer: string, id: string): Promise<RelayOutcome> {
    const from = this.#deps.address();
    if (from === undefined) return { node: peer, ok: false, reason: 'this node does not know its own address yet' };
    const reply = await this.#deps.client.post(peer, '/lab/relay', { id, from });
    if (reply.ok) return { node: peer, ok: true };
    this.#deps.log.warn({ peer, reason: reply.reason }, `lab command ${id} did not reach ${peer}: ${reply.reason}`);
    return { node: peer, ok: false, reason: reply.reason };
  }

  async #carryOut(command: LabCommand): Promise<void> {
    const handler = this.#deps.handlers[command.type] as ((command: LabCommand) => void | Promise<void>) | undefined;
    if (handler === undefined) throw new Error(`no handler for lab command '${command.type}'`);
    this.#deps.log.info({ command: command.id, type: command.type }, `lab: ${command.type} (command ${command.id})`);
    await handler(command);
  }

  #remember(id: string, command: LabCommand | undefined): void {
    this.#seen.delete(id);
    this.#seen.set(id, { command, at: this.#now() });
    if (this.#seen.size > MAX_COMMANDS) this.#seen.delete(this.#seen.keys().next().value!);
  }
}
