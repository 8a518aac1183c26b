import type { EventEmitter } from 'node:events';
import type { JsonValue } from '../chain/py-json.ts';
import { isObject, type Verdict } from '../chain/validate.ts';
import { messageOf, type Logger } from '../log/log.ts';
import { subscribe, type NodeEvents } from './node-events.ts';

/**
 * When the node mines on its own (issue 13, Anvil's `--block-time` and auto-mine): never (`manual`,
 * the notebook's: only GET /mine), every `seconds`, or soon after a transaction joins the pool.
 */
export type MiningMode = { mode: 'manual' } | { mode: 'interval'; seconds: number } | { mode: 'on-transaction' };

/** A mode as GET /lab and POST /lab/mining show it. */
export interface MiningModeView {
  mode: MiningMode['mode'];
  seconds?: number;
}

export const MANUAL: MiningMode = { mode: 'manual' };
export const MIN_INTERVAL_SECONDS = 1;
export const MAX_INTERVAL_SECONDS = 3600;

/**
 * How long `on-transaction` waits after a transaction before it mines: a burst of transactions
 * (a batch from a peer, a class posting at once) goes into one block, not one block each.
 */
export const ON_TRANSACTION_DELAY_MS = 200;

/** Why a proof search stopped: the mining mode changed (POST /lab/mining). Exposed to a client waiting on /mine, as a 409. */
export class MiningCancelledError extends Error {
  override name = 'MiningCancelledError';
  readonly status = 409;
  readonly expose = true;

  constructor() {
    super('the mining mode was switched while this block was searched for; nothing was mined');
  }
}

const INTERVAL = /^interval:(\d{1,4})$/;
const MODES = `manual, interval:N (N seconds, ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}) or on-transaction`;

/** MINING's value: `manual`, `interval:N` or `on-transaction`. */
export function parseMiningMode(text: string): Verdict<MiningMode> {
  const lower = text.toLowerCase();
  if (lower === 'manual' || lower === 'on-transaction') return { ok: true, value: { mode: lower } };
  const interval = INTERVAL.exec(lower);
  if (interval !== null) return intervalOf(Number(interval[1]));
  return { ok: false, reason: `must be ${MODES}, got '${text}'` };
}

/** The body of POST /lab/mining: `{"mode": "manual" | "interval" | "on-transaction", "seconds": N}`, seconds for interval only. */
export function validMiningMode(body: JsonValue): Verdict<MiningMode> {
  if (!isObject(body)) return { ok: false, reason: 'the body must be a JSON object: {"mode": "interval", "seconds": 5}' };
  const unknown = Object.keys(body).filter((name) => name !== 'mode' && name !== 'seconds');
  if (unknown.length > 0) return { ok: false, reason: `unknown field ${JSON.stringify(unknown[0])}: a mining mode has mode and seconds` };
  const { mode, seconds } = body;
  if (mode === 'interval') {
    if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds)) return intervalOf(Number.NaN);
    return intervalOf(seconds);
  }
  if (mode !== 'manual' && mode !== 'on-transaction') return { ok: false, reason: 'mode must be "manual", "interval" or "on-transaction"' };
  if (seconds !== undefined) return { ok: false, reason: `seconds is for the interval mode only, not ${mode}` };
  return { ok: true, value: { mode } };
}

function intervalOf(seconds: number): Verdict<MiningMode> {
  if (!Number.isSafeInteger(seconds) || seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS)
    return { ok: false, reason: `seconds must be a whole number from ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}` };
  return { ok: true, value: { mode: 'interval', seconds } };
}

/** What the schedule needs of the node (ChainNode has it). */
export interface MiningScheduleDeps {
  node: {
    /** Mines one block: its transactions, the reward last. */
    mine(): Promise<{ transactions: readonly unknown[] }>;
    readonly pending: readonly unknown[];
    /** Where `transaction` and `closed` come from. */
    readonly events: EventEmitter<NodeEvents>;
  };
  /** Stops the proof search under way, if one is, so that its mine() rejects with a MiningCancelledError. */
  cancel: () => void;
  log: Logger;
  onTransactionDelayMs: number;
}

/**
 * Mines on the node's own initiative, by the mode set (see MiningMode). One search at a time: an
 * interval tick that finds a search under way is skipped, and a transaction that arrives during
 * one has the next block mined after it. Setting a mode cancels the search under way, whatever
 * started it, and the node stops mining on its own once it closes.
 */
export class MiningSchedule {
  readonly #deps: MiningScheduleDeps;
  #mode: MiningMode = MANUAL;
  /** Counts the modes set: what a timer or a search of an earlier mode finds changed, and gives up. */
  #generation = 0;
  #timer: NodeJS.Timeout | undefined;
  #searching = false;
  /** A transaction came during the search: mine again after it. */
  #again = false;
  #unsubscribe: () => void;

  constructor(deps: MiningScheduleDeps) {
    this.#deps = deps;
    this.#unsubscribe = subscribe(deps.node.events, {
      transaction: () => this.#transactionArrived(),
      closed: () => this.stop(),
    });
  }

  get mode(): MiningMode {
    return this.#mode;
  }

  /** The mode as GET /lab shows it: `{mode}`, with `seconds` in the interval mode. */
  view(): MiningModeView {
    return this.#mode.mode === 'interval' ? { mode: 'interval', seconds: this.#mode.seconds } : { mode: this.#mode.mode };
  }

  /** Switches to `mode`, cancelling the search under way. */
  set(mode: MiningMode): void {
    this.#clear();
    this.#generation++;
    this.#again = false;
    this.#deps.cancel();
    this.#mode = mode;
    if (mode.mode === 'interval') {
      const generation = this.#generation;
      this.#timer = setInterval(() => this.#mine(generation), mode.seconds * 1000).unref();
    } else if (mode.mode === 'on-transaction' && this.#deps.node.pending.length > 0) {
      this.#soon();
    }
  }

  /** Mines on its own no more: the node is closing. */
  stop(): void {
    this.#clear();
    this.#generation++;
    this.#mode = MANUAL;
    this.#unsubscribe();
  }

  #transactionArrived(): void {
    if (this.#mode.mode !== 'on-transaction') return;
    if (this.#searching) this.#again = true;
    else if (this.#timer === undefined) this.#soon();
  }

  /** Mines after the delay: what arrives meanwhile goes into the same block. */
  #soon(): void {
    const generation = this.#generation;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#mine(generation);
    }, this.#deps.onTransactionDelayMs).unref();
  }

  #mine(generation: number): void {
    if (generation !== this.#generation || this.#searching) return;
    this.#searching = true;
    const { node, log } = this.#deps;
    // Whether the block took pending transactions: one that took none (every pending one too large
    // for a block, say) must not be followed by another, and another, every ON_TRANSACTION_DELAY_MS.
    let tookPending = false;
    node
      .mine()
      .then(
        (block) => {
          tookPending = block.transactions.length > 1; // the reward is last
          log.debug({ mode: this.#mode.mode }, `mined a block (${this.#mode.mode} mining)`);
        },
        (error: unknown) => {
          // Cancelled by a new mode, or refused (a failed store): the schedule goes on either way.
          if (error instanceof MiningCancelledError) log.debug({ mode: this.#mode.mode }, messageOf(error));
          else log.warn({ err: error }, `scheduled mining failed: ${messageOf(error)}`);
        },
      )
      .finally(() => {
        this.#searching = false;
        // Transactions that came meanwhile, or that a full block left: the next block is theirs.
        // Not after a failure, or a block that took none, with nothing new: it would go on forever.
        const again = this.#again || tookPending;
        this.#again = false;
        if (generation === this.#generation && this.#mode.mode === 'on-transaction' && again && this.#deps.node.pending.length > 0)
          this.#soon();
      });
  }

  #clear(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
