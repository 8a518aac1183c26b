import type { Command } from 'commander';
import type { Verdict } from '../../chain/validate.ts';
import { painter, printable, short, type Painter } from '../colour.ts';
import { describe, refusalText } from '../node-client.ts';
import { createProgress } from '../progress.ts';
import { DEFAULT_NODE, nodeUrl, Refused, wholeFrom, type CliIo } from './common.ts';

/** What `chainlab watch` allows a node, which may be anyone's: each bound ends the watch with a reason. */
export interface WatchLimits {
  /** Until the answer's headers. */
  connectMs: number;
  /** Between two chunks once open: a node sends a keep-alive every 15 s, so a silent one has gone. */
  idleMs: number;
  /** Most bytes of one event (or comment line): the node's own are a quarter of EVENT_BUFFER_BYTES, 256 KiB by default. */
  maxEventBytes: number;
}

export const WATCH_LIMITS: Readonly<WatchLimits> = { connectMs: 10_000, idleMs: 60_000, maxEventBytes: 2 * 1024 * 1024 };
const MAX_REFUSAL_BYTES = 64 * 1024;
const NAME_CHARS = 32;
const PEERS_SHOWN = 16;

/** One server-sent event: its name (`message` when it has none) and its data lines, joined. */
export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into events as its bytes arrive, holding at most `maxBytes` of the
 * event being read: a line without end, or an event of endless lines, is refused instead of kept.
 * Comment lines (keep-alives) and `id:`/`retry:` fields are skipped; lines end with LF or CRLF.
 */
export class EventSplitter {
  readonly #maxBytes: number;
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #frameBytes = 0;
  #event = '';
  #data: string[] = [];

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The events `chunk` completes, or why the stream is refused. */
  push(chunk: Uint8Array): Verdict<ServerEvent[]> {
    const events: ServerEvent[] = [];
    let start = 0;
    for (let end = chunk.indexOf(0x0a, start); end >= 0; end = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, end);
      start = end + 1;
      const line = Buffer.concat([...this.#partial, piece]).toString('utf8');
      const bytes = this.#partialBytes + piece.byteLength + 1;
      this.#partial = [];
      this.#partialBytes = 0;
      if (!line.startsWith(':')) this.#frameBytes += bytes;
      if (this.#frameBytes > this.#maxBytes) return this.#tooLong();
      const event = this.#line(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (event !== undefined) events.push(event);
    }
    const rest = chunk.subarray(start);
    if (rest.byteLength > 0) {
      this.#partialBytes += rest.byteLength;
      if (this.#frameBytes + this.#partialBytes > this.#maxBytes) return this.#tooLong();
      this.#partial.push(Buffer.from(rest)); // a copy: the stream may reuse its chunk
    }
    return { ok: true, value: events };
  }

  #tooLong(): Verdict<ServerEvent[]> {
    return { ok: false, reason: `an event longer than ${this.#maxBytes} bytes: not read further` };
  }

  #line(line: string): ServerEvent | undefined {
    if (line === '') {
      const event = this.#data.length > 0 ? { event: this.#event || 'message', data: this.#data.join('\n') } : undefined;
      this.#event = '';
      this.#data = [];
      this.#frameBytes = 0;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    return undefined;
  }
}

/**
 * Reads GET /events of the node at `base`, handing each event to `onEvent` until it answers true
 * (ok), or the stream fails, goes silent or ends (each a reason naming the request).
 */
export async function watchEvents(
  base: string,
  limits: WatchLimits,
  onEvent: (event: ServerEvent) => boolean,
  onOpen: () => void = () => {},
): Promise<Verdict<void>> {
  const url = `${base.replace(/\/+$/, '')}/events`;
  const where = `GET ${url}`;
  const controller = new AbortController();
  let why: string | undefined;
  let opened = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, reason: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      why = reason;
      controller.abort();
    }, ms);
  };
  try {
    arm(limits.connectMs, `no answer within ${limits.connectMs} ms`);
    // A redirect would hand the watch to a server nobody named.
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' }, redirect: 'error' });
    if (response.status !== 200) return { ok: false, reason: await refusalOf(response, where) };
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || response.body === null)
      return { ok: false, reason: `${where}: the answer is not an event stream (content-type ${printable(type, 100)})` };
    onOpen();
    opened = true;
    const splitter = new EventSplitter(limits.maxEventBytes);
    const idle = `nothing for ${limits.idleMs} ms, not even a keep-alive`;
    arm(limits.idleMs, idle);
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      arm(limits.idleMs, idle);
      const events = splitter.push(chunk);
      if (!events.ok) return { ok: false, reason: `${where}: ${events.reason}` };
      for (const event of events.value) if (onEvent(event)) return { ok: true, value: undefined };
    }
    return { ok: false, reason: `${where}: the node closed the stream` };
  } catch (error) {
    // Once open, a connection that drops is the node going away (a restart, a crash).
    const reason = why ?? (opened ? `the node closed the stream (${describe(error)})` : describe(error));
    return { ok: false, reason: `${where}: ${reason}` };
  } finally {
    clearTimeout(timer);
    controller.abort(); // whatever is still open of the answer
  }
}

/** A refused stream's reason: the node's own (a 429 when its streams are all open), read up to MAX_REFUSAL_BYTES. */
async function refusalOf(response: Response, where: string): Promise<string> {
  let text = '';
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    text += Buffer.from(chunk).toString('utf8');
    if (text.length > MAX_REFUSAL_BYTES) break;
  }
  let reason: string | undefined;
  try {
    reason = refusalText(JSON.parse(text));
  } catch {
    reason = undefined;
  }
  return `${where}: ${response.status} ${printable(reason ?? text, 500)}`;
}

type Data = Record<string, unknown>;
const asData = (value: unknown): Data => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : {});
const name = (value: unknown) => printable(value ?? '?', NAME_CHARS);
const plural = (n: unknown, what: string) => `${name(n)} ${what}${n === 1 ? '' : 's'}`;

/** A block as the events carry it ({hash, block}, maybe cut): its index, who mined it (its reward's recipient), its size, its hash. */
function blockLine({ hash, block, cut, transaction_count }: Data, paint: Painter, miner?: unknown): string {
  const { index, transactions } = asData(block);
  const list = Array.isArray(transactions) ? (transactions as unknown[]) : [];
  const reward = list.map(asData).find((t) => t.sender === '0');
  const by = reward?.recipient ?? miner;
  const count = cut === true ? transaction_count : list.length;
  const head = `block ${name(index)}${by === undefined ? '' : ` by ${name(by)}`}`;
  return `${paint.ok(head)}: ${plural(count, 'transaction')}, hash ${short(hash)}`;
}

function peersLine(peers: unknown, paint: Painter): string {
  const list = (Array.isArray(peers) ? (peers as unknown[]) : []).map(asData);
  const shown = list.slice(0, PEERS_SHOWN).map((peer) => {
    const state = peer.reachable === true ? paint.ok('reachable') : peer.reachable === false ? paint.bad('unreachable') : 'not asked yet';
    return `${name(peer.node_id ?? peer.node)} ${state}`;
  });
  const more = list.length > PEERS_SHOWN ? `, and ${list.length - PEERS_SHOWN} more` : '';
  return list.length === 0 ? 'none' : `${shown.join(', ')}${more}`;
}

/** One readable line per event; an event this CLI does not know is shown as its name and data, cut. */
export function eventLine(event: string, value: unknown, paint: Painter, self: { nodeId?: unknown }): string {
  const data = asData(value);
  switch (event) {
    case 'snapshot': {
      const blocks = Array.isArray(data.blocks) ? (data.blocks as unknown[]) : [];
      const tip = asData(blocks.at(-1)).hash;
      return paint.bold(
        `snapshot of ${name(data.node_id)}: length ${name(data.length)}, tip ${short(tip)}, ${name(data.pending_count)} pending; peers: ${peersLine(data.peers, paint)}`,
      );
    }
    case 'mined':
      return `${blockLine(asData(data.block), paint, self.nodeId)} (mined here in ${name(data.mining_ms)} ms), length ${name(data.length)}`;
    case 'appended':
      return `${blockLine(asData(data.block), paint)} (from a peer), length ${name(data.length)}`;
    case 'replaced':
      return paint.bold(
        `chain replaced by ${name(data.peer)}'s from block ${name(data.from)}: length ${name(data.length)}, ${plural(data.dropped_count, 'block')} dropped, ${plural(data.returned_count, 'transaction')} pending again`,
      );
    case 'transaction': {
      const { sender, recipient, amount } = asData(data.transaction);
      return `transaction ${name(sender)}→${name(recipient)} ${name(amount)} (${name(data.pending_count)} pending)`;
    }
    case 'peers':
      return `peers: ${peersLine(data.peers, paint)}`;
    case 'peerFailure':
      return paint.bad(`peer ${name(data.node)} failed: ${printable(data.reason, 200)}`);
    default:
      return `${name(event)}: ${paint.dim(printable(value, 200))}`;
  }
}

/** `chainlab watch`: a node's events as they happen (GET /events), a line each. */
export function registerWatch(root: Command, io: CliIo, limits: WatchLimits = WATCH_LIMITS): void {
  root
    .command('watch')
    .description("a node's events as they happen (GET /events): blocks, transactions, peers, reorgs; a line each")
    .option('--node <url>', 'the node to watch', nodeUrl, DEFAULT_NODE)
    .option('--json', 'print {"event": name, "data": data} per line')
    .option('--limit <n>', 'stop after n events (the first is a snapshot of the node)', wholeFrom(1))
    .action(async (options: { node: string; json?: boolean; limit?: number }) => {
      const paint = painter(io);
      const progress = createProgress(io);
      const self: { nodeId?: unknown } = {};
      let seen = 0;
      progress.update(`connecting to ${options.node}…`);
      const outcome = await watchEvents(
        options.node,
        limits,
        ({ event, data }) => {
          let value: unknown = data;
          try {
            value = JSON.parse(data);
          } catch {
            // shown as the text it is
          }
          if (event === 'snapshot') self.nodeId = asData(value).node_id;
          io.stdout(`${options.json === true ? JSON.stringify({ event, data: value }) : eventLine(event, value, paint, self)}\n`);
          seen += 1;
          return seen === options.limit;
        },
        () => progress.done(),
      );
      progress.done();
      if (!outcome.ok) throw new Refused(outcome.reason);
    });
}
