import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { Verdict } from '../chain/validate.ts';
import { label, positionMessage, schemaProblem, stepOf, type Path, type Problem } from './schema.ts';

export { SCHEMA_PATH } from './paths.ts';

/**
 * A lesson: a YAML file of narrated steps run against a network. Nodes are named by position
 * (1-based, into the runner's list of URLs), never by id, so one file fits any deployment.
 */
export interface Lesson {
  title: string;
  summary: string;
  /** What the lesson needs of the network; a setting left out runs under either value. */
  network: { nodes: number; tx_rule?: 'open' | 'signed'; pow_rule?: 'notebook' | 'linked'; gossip?: 'on' | 'off' };
  steps: Step[];
}

/**
 * Someone a transaction names: a person (`alice`: under TX_RULE=signed, a throw-away key the runner
 * makes for this run) or `miner of node N`, the address node N's rewards go to (/health's miner_address).
 */
export type Party = string;
export const PARTY = /^(?:[a-z][a-z0-9_-]{0,31}|miner of node [1-9][0-9]?)$/;
export const MINER_OF = /^miner of node ([1-9][0-9]?)$/;

/** A transaction to look for on node `node`: every field given must match. */
export interface TxMatch {
  node: number;
  sender?: Party;
  recipient?: Party;
  amount?: number;
}

export interface Expectation {
  /** Every node's chain length, in order. */
  lengths?: number[];
  /** true: the nodes' tips are not all the same block; false: they are. */
  forked?: boolean;
  /** Every node's GET /chain/verify `valid`, in order. */
  valid?: boolean[];
  pending_contains?: TxMatch;
  /** A transaction in some block of node `node`'s chain. */
  chain_contains?: TxMatch;
  /** Balances on node `node` (GET /accounts; TX_RULE=signed only). */
  balances?: { node: number; accounts: Record<Party, number> };
  /** The step's action must be refused, with the node's reason containing this text (any case). */
  refused?: string;
}

type StepBase = { say: string; expect?: Expectation; line: number };
export type Step = StepBase &
  (
    | { action: 'mine'; node: number }
    | { action: 'send'; node: number; from: Party; to: Party; amount: number; signed_by?: Party }
    | { action: 'partition'; groups: number[][] }
    | { action: 'heal' }
    | { action: 'resolve'; node: number }
    | { action: 'tamper'; node: number; index: number; transaction?: number; amount: number; rehash?: boolean }
    | { action: 'reset'; node: number }
    | { action: 'wait'; ms: number }
  );

const MAX_FILE_CHARS = 200_000;

/**
 * Parses and checks a lesson: against lessons/lesson.schema.json, then what a schema cannot say
 * (node positions within network.nodes, one entry per node, signed-only fields). A reason names
 * one problem, the first in the file, as `file:line: step N: what is wrong`.
 */
export function parseLesson(text: string, file: string): Verdict<Lesson> {
  if (text.length > MAX_FILE_CHARS)
    return { ok: false, reason: `${file}:1: longer than ${MAX_FILE_CHARS} characters (a lesson is a few pages)` };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  // A warning is YAML the parser took but did not understand, such as an unknown tag (!!js/function):
  // a lesson is plain data, so it is an error here.
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first !== undefined) return { ok: false, reason: `${file}:${lineCounter.linePos(first.pos[0]).line}: ${yamlMessage(first)}` };
  let value: unknown;
  try {
    value = doc.toJS(); // yaml's maxAliasCount (100) throws on an alias bomb
  } catch (error) {
    return { ok: false, reason: `${file}:1: ${(error as Error).message}` };
  }
  const lineOf = (path: Path, atKey = false) => lineCounter.linePos(offsetOf(doc, path, atKey)).line;
  const problem = schemaProblem(value) ?? lessonProblem(value as Lesson);
  if (problem !== undefined) {
    const { step } = stepOf(problem.path);
    return {
      ok: false,
      reason: `${file}:${lineOf(problem.path, problem.atKey)}: ${step === undefined ? '' : `step ${step + 1}: `}${problem.message}`,
    };
  }
  const lesson = value as Lesson;
  return { ok: true, value: { ...lesson, steps: lesson.steps.map((step, i) => ({ ...step, line: lineOf(['steps', i]) })) } };
}

function yamlMessage(error: { code: string; message: string }): string {
  if (error.code === 'DUPLICATE_KEY') return 'a key appears twice in the same mapping';
  if (error.code === 'MULTIPLE_DOCS') return 'a lesson is one YAML document (there is a second ---)';
  return `not valid YAML: ${error.message}`;
}

/** Where `path` starts in the text: its node, or the nearest parent that exists (a missing field's map). */
function offsetOf(doc: Document, path: Path, atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = 0;
  for (const [i, key] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(key));
      if (pair === undefined) break;
      node = atKey && i === path.length - 1 ? pair.key : (pair.value ?? pair.key);
    } else if (isSeq(node) && typeof key === 'number') node = node.items[key];
    else break;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range === undefined) break;
    offset = range[0];
  }
  return offset;
}

/** What the schema cannot check: the first problem of the first step that has one. */
function lessonProblem(lesson: Lesson): Problem | undefined {
  for (const [i, step] of lesson.steps.entries()) {
    const problem = stepProblem(step, lesson.network);
    if (problem !== undefined) return { ...problem, path: ['steps', i, ...problem.path] };
  }
  return undefined;
}

function stepProblem(step: Step, network: Lesson['network']): Problem | undefined {
  const { nodes } = network;
  const position = (n: number, path: Path): Problem | undefined =>
    n > nodes ? { path, message: positionMessage(label(path), nodes) } : undefined;
  const party = (name: Party | undefined, path: Path, atKey = false): Problem | undefined => {
    const miner = name === undefined ? null : MINER_OF.exec(name);
    if (miner === null || Number(miner[1]) <= nodes) return undefined;
    return {
      path,
      atKey,
      message: `${label(path)}: '${name}' names node ${miner[1]}, but the network has ${nodes} node${nodes === 1 ? '' : 's'}`,
    };
  };
  const signedOnly = (path: Path): Problem | undefined =>
    network.tx_rule === 'signed'
      ? undefined
      : {
          path,
          atKey: true,
          message: `${label(path)} is for network.tx_rule: signed only (${network.tx_rule === undefined ? 'this lesson does not set tx_rule' : `this lesson's is ${network.tx_rule}`})`,
        };
  const checks: (() => Problem | undefined)[] = [];
  if ('node' in step) checks.push(() => position(step.node, ['node']));
  if (step.action === 'send') {
    checks.push(() => party(step.from, ['from']) ?? party(step.to, ['to']));
    if (step.signed_by !== undefined) checks.push(() => signedOnly(['signed_by']) ?? party(step.signed_by, ['signed_by']));
  }
  if (step.action === 'partition') checks.push(() => groupsProblem(step.groups, nodes));
  const expect = step.expect ?? {};
  const perNode = (list: unknown[] | undefined, key: string, what: string): Problem | undefined =>
    list === undefined || list.length === nodes
      ? undefined
      : { path: ['expect', key], message: `expect.${key} must list ${nodes} ${what}, one per node (it lists ${list.length})` };
  checks.push(() => perNode(expect.lengths, 'lengths', 'chain lengths'));
  if (expect.forked !== undefined && nodes < 2)
    checks.push(() => ({
      path: ['expect', 'forked'],
      atKey: true,
      message: 'expect.forked needs two nodes or more: one node is never forked',
    }));
  checks.push(() => perNode(expect.valid, 'valid', 'verdicts'));
  for (const key of ['pending_contains', 'chain_contains'] as const) {
    const match = expect[key];
    if (match !== undefined)
      checks.push(
        () =>
          position(match.node, ['expect', key, 'node']) ??
          party(match.sender, ['expect', key, 'sender']) ??
          party(match.recipient, ['expect', key, 'recipient']),
      );
  }
  const balances = expect.balances;
  if (balances !== undefined) {
    checks.push(() => signedOnly(['expect', 'balances']) ?? position(balances.node, ['expect', 'balances', 'node']));
    for (const name of Object.keys(balances.accounts)) checks.push(() => party(name, ['expect', 'balances', 'accounts', name], true));
  }
  if (step.action === 'wait' && expect.refused !== undefined)
    checks.push(() => ({
      path: ['expect', 'refused'],
      atKey: true,
      message: 'expect.refused cannot be on a wait: a wait asks no node anything',
    }));
  for (const check of checks) {
    const problem = check();
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function groupsProblem(groups: number[][], nodes: number): Problem | undefined {
  const seen = new Set<number>();
  for (const [g, group] of groups.entries())
    for (const [m, member] of group.entries()) {
      const path = ['groups', g, m];
      if (member > nodes) return { path, message: positionMessage(label(path), nodes) };
      if (seen.has(member)) return { path, message: `groups name node ${member} twice (a node is in one group at most)` };
      seen.add(member);
    }
  return undefined;
}
