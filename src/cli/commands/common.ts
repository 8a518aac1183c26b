import { InvalidArgumentError } from 'commander';
import type { Verdict } from '../../chain/validate.ts';
import { terminalSafeJson } from '../colour.ts';

/** Where a run of the CLI writes and what environment it sees (tests pass their own). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Colour on stdout: main.ts sets it when stdout is a TTY and NO_COLOR is unset; tests and pipes get plain text. */
  colour?: boolean;
  /** Progress lines on stderr for anything that waits: main.ts sets it when stderr is a TTY. */
  progress?: boolean;
  /** One line typed on stdin (`lesson run --step` waits on it); undefined once stdin has ended. */
  readLine?: () => Promise<string | undefined>;
}

export const DEFAULT_NODE = 'http://localhost:5000';

/** A failure the user can act on: its reason goes to stderr and the exit code is 1. */
export class Refused extends Error {}

export function valueOf<T>(verdict: Verdict<T>): T {
  if (!verdict.ok) throw new Refused(verdict.reason);
  return verdict.value;
}

export function positiveAmount(text: string): number {
  const amount = Number(text);
  if (text.trim() === '' || !Number.isFinite(amount) || amount <= 0)
    throw new InvalidArgumentError('the amount must be a finite number > 0, as in 5 or 2.5');
  return amount;
}

/** A whole number from `min`, for --count, --last and --index. */
export function wholeFrom(min: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min)
      throw new InvalidArgumentError(`expected a whole number from ${min}`);
    return value;
  };
}

export function nodeUrl(text: string): string {
  if (!/^https?:\/\/[^\s/]+/.test(text))
    throw new InvalidArgumentError('the node must be an http:// or https:// URL, as in http://localhost:5000');
  return text;
}

const MAX_NODES = 32; // status asks each at once

/** A comma-separated list of node URLs, as --nodes and CHAINLAB_NODES give it. */
export function nodeList(text: string): string[] {
  const nodes = text.split(',').map((node) => node.trim());
  if (nodes.length > MAX_NODES) throw new InvalidArgumentError(`at most ${MAX_NODES} nodes`);
  return nodes.map(nodeUrl);
}

/** The nodes a command asks without --nodes: $CHAINLAB_NODES, else the three of docker-compose.yml. */
export function defaultNodes(env: Record<string, string | undefined>): string[] {
  const set = env.CHAINLAB_NODES;
  if (set === undefined) return ['http://localhost:5000', 'http://localhost:5001', 'http://localhost:5002'];
  try {
    return nodeList(set);
  } catch (error) {
    throw new Refused(`CHAINLAB_NODES: ${(error as Error).message} (it is comma-separated node URLs)`);
  }
}

/** `--json` prints `json`, else `line`. */
export function printer(io: CliIo): (options: { json?: boolean }, json: unknown, line: string) => void {
  // JSON.stringify leaves DEL and C1 controls (CSI is U+009B) raw: a node's text must not reach the terminal so.
  return (options, json, line) => io.stdout(`${options.json === true ? terminalSafeJson(JSON.stringify(json)) : line}\n`);
}
