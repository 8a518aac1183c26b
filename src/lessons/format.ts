import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Verdict } from '../chain/validate.ts';

/**
 * A lesson: a YAML file of narrated steps run against a network. Nodes are named by position
 * (1-based, into the runner's list of URLs), never by id, so one file fits any deployment.
 */
export interface Lesson {
  title: string;
  summary: string;
  network: { nodes: number; tx_rule?: 'open' | 'signed'; pow_rule?: 'notebook' | 'linked' };
  steps: Step[];
}

export interface Expectation {
  lengths?: number[];
  pending_contains?: { node: number; sender?: string; recipient?: string; amount?: number };
}

type StepBase = { say: string; expect?: Expectation; line: number };
export type Step = StepBase &
  (
    | { action: 'mine'; node: number }
    | { action: 'send'; node: number; from: string; to: string; amount: number }
    | { action: 'partition'; groups: number[][] }
    | { action: 'heal' }
    | { action: 'resolve'; node: number }
    | { action: 'wait'; ms: number }
  );

export const ACTIONS = ['mine', 'send', 'partition', 'heal', 'resolve', 'wait'] as const;
const ARGS: Record<(typeof ACTIONS)[number], readonly string[]> = {
  mine: ['node'],
  send: ['node', 'from', 'to', 'amount'],
  partition: ['groups'],
  heal: [],
  resolve: ['node'],
  wait: ['ms'],
};
export const MAX_WAIT_MS = 10_000;
const MAX_NODES = 16;
const MAX_STEPS = 200;
const MAX_TEXT = 2000; // a narration is a paragraph, not a chapter
const MAX_FILE_CHARS = 200_000;

/** Thrown inside validation only, carrying the line it happened at; parseLesson turns it into a reason. */
class At extends Error {
  readonly where: YamlNode | undefined;
  constructor(where: YamlNode | undefined, message: string) {
    super(message);
    this.where = where;
  }
}

/** Parses and checks a lesson; a reason reads `file:line: step N: what is wrong`. */
export function parseLesson(text: string, file: string): Verdict<Lesson> {
  if (text.length > MAX_FILE_CHARS) return { ok: false, reason: `${file}: longer than ${MAX_FILE_CHARS} characters` };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineOf = (node: YamlNode | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const first = doc.errors[0];
  if (first !== undefined)
    return { ok: false, reason: `${file}:${lineCounter.linePos(first.pos[0]).line}: ${first.message.split('\n')[0]}` };
  try {
    return { ok: true, value: lessonOf(doc.contents ?? undefined, lineOf) };
  } catch (error) {
    if (!(error instanceof At)) throw error;
    return { ok: false, reason: `${file}:${lineOf(error.where)}: ${error.message}` };
  }
}

function mapOf(node: YamlNode | undefined, what: string): Map<string, YamlNode | undefined> {
  if (!isMap(node)) throw new At(node, `${what} must be a mapping`);
  const map = new Map<string, YamlNode | undefined>();
  for (const pair of node.items) map.set(String((pair.key as { value?: unknown } | null)?.value ?? pair.key), pair.value as YamlNode);
  return map;
}

function plain(node: YamlNode | undefined): unknown {
  return node === undefined ? undefined : (node.toJSON() as unknown);
}

function text(node: YamlNode | undefined, what: string): string {
  const value = plain(node);
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT)
    throw new At(node, `${what} must be a non-empty text of at most ${MAX_TEXT} characters`);
  return value;
}

function whole(node: YamlNode | undefined, what: string, min: number, max: number): number {
  const value = plain(node);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new At(node, `${what} must be a whole number from ${min} to ${max}`);
  return value;
}

function refuseUnknown(map: Map<string, YamlNode | undefined>, allowed: readonly string[], what: string, where: YamlNode | undefined) {
  for (const key of map.keys())
    if (!allowed.includes(key)) throw new At(map.get(key) ?? where, `${what}: unknown field '${key}' (expected ${allowed.join(', ')})`);
}

function lessonOf(root: YamlNode | undefined, lineOf: (node: YamlNode | undefined) => number): Lesson {
  const top = mapOf(root, 'a lesson');
  refuseUnknown(top, ['title', 'summary', 'network', 'steps'], 'the lesson', root);
  const network = networkOf(top.get('network'));
  const stepsNode = top.get('steps');
  if (!isSeq(stepsNode) || stepsNode.items.length === 0 || stepsNode.items.length > MAX_STEPS)
    throw new At(stepsNode ?? root, `steps must be a list of 1 to ${MAX_STEPS} steps`);
  const steps = stepsNode.items.map((item, i) => {
    try {
      return stepOf(item as YamlNode, network.nodes, lineOf);
    } catch (error) {
      if (error instanceof At) throw new At(error.where ?? (item as YamlNode), `step ${i + 1}: ${error.message}`);
      throw error;
    }
  });
  return { title: text(top.get('title'), 'title'), summary: text(top.get('summary'), 'summary'), network, steps };
}

function networkOf(node: YamlNode | undefined): Lesson['network'] {
  const map = mapOf(node, 'network');
  refuseUnknown(map, ['nodes', 'tx_rule', 'pow_rule'], 'network', node);
  const network: Lesson['network'] = { nodes: whole(map.get('nodes'), 'network.nodes', 1, MAX_NODES) };
  const tx = plain(map.get('tx_rule'));
  if (tx !== undefined && tx !== 'open' && tx !== 'signed') throw new At(map.get('tx_rule'), "network.tx_rule must be 'open' or 'signed'");
  if (tx !== undefined) network.tx_rule = tx;
  const pow = plain(map.get('pow_rule'));
  if (pow !== undefined && pow !== 'notebook' && pow !== 'linked')
    throw new At(map.get('pow_rule'), "network.pow_rule must be 'notebook' or 'linked'");
  if (pow !== undefined) network.pow_rule = pow;
  return network;
}

function stepOf(node: YamlNode, nodes: number, lineOf: (node: YamlNode | undefined) => number): Step {
  const map = mapOf(node, 'a step');
  const actionNode = map.get('action');
  const action = plain(actionNode);
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action))
    throw new At(actionNode ?? node, `unknown action '${String(action)}' (expected one of ${ACTIONS.join(', ')})`);
  const name = action as (typeof ACTIONS)[number];
  refuseUnknown(map, ['action', 'say', 'expect', ...ARGS[name]], `action '${name}'`, node);
  const position = (key: string) => whole(map.get(key), key, 1, nodes);
  const base: StepBase = { say: text(map.get('say'), 'say'), line: lineOf(node) };
  const expectation = map.get('expect');
  if (expectation !== undefined) base.expect = expectationOf(expectation, nodes);
  switch (name) {
    case 'mine':
    case 'resolve':
      return { ...base, action: name, node: position('node') };
    case 'send': {
      const amount = plain(map.get('amount'));
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0)
        throw new At(map.get('amount') ?? node, 'amount must be a number > 0');
      return { ...base, action: name, node: position('node'), from: text(map.get('from'), 'from'), to: text(map.get('to'), 'to'), amount };
    }
    case 'partition':
      return { ...base, action: name, groups: groupsOf(map.get('groups') ?? node, nodes) };
    case 'heal':
      return { ...base, action: name };
    case 'wait':
      return { ...base, action: name, ms: whole(map.get('ms'), 'ms', 0, MAX_WAIT_MS) };
  }
}

function groupsOf(node: YamlNode, nodes: number): number[][] {
  const value = plain(node);
  const seen = new Set<number>();
  const bad = () => new At(node, `groups must be lists of node positions 1 to ${nodes}, each named once, as in [[1, 2], [3]]`);
  if (!Array.isArray(value) || value.length === 0) throw bad();
  for (const group of value) {
    if (!Array.isArray(group) || group.length === 0) throw bad();
    for (const n of group) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > nodes || seen.has(n)) throw bad();
      seen.add(n);
    }
  }
  return value as number[][];
}

function expectationOf(node: YamlNode, nodes: number): Expectation {
  const map = mapOf(node, 'expect');
  refuseUnknown(map, ['lengths', 'pending_contains'], 'expect', node);
  const expectation: Expectation = {};
  const lengthsNode = map.get('lengths');
  if (lengthsNode !== undefined) {
    const lengths = plain(lengthsNode);
    if (
      !Array.isArray(lengths) ||
      lengths.length !== nodes ||
      !lengths.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1)
    )
      throw new At(lengthsNode, `expect.lengths must list ${nodes} chain lengths (one per node, each ≥ 1)`);
    expectation.lengths = lengths as number[];
  }
  const pendingNode = map.get('pending_contains');
  if (pendingNode !== undefined) {
    const pending = mapOf(pendingNode, 'expect.pending_contains');
    refuseUnknown(pending, ['node', 'sender', 'recipient', 'amount'], 'expect.pending_contains', pendingNode);
    const wanted: NonNullable<Expectation['pending_contains']> = {
      node: whole(pending.get('node'), 'expect.pending_contains.node', 1, nodes),
    };
    if (pending.has('sender')) wanted.sender = text(pending.get('sender'), 'expect.pending_contains.sender');
    if (pending.has('recipient')) wanted.recipient = text(pending.get('recipient'), 'expect.pending_contains.recipient');
    if (pending.has('amount')) {
      const amount = plain(pending.get('amount'));
      if (typeof amount !== 'number' || !Number.isFinite(amount))
        throw new At(pending.get('amount'), 'expect.pending_contains.amount must be a number');
      wanted.amount = amount;
    }
    expectation.pending_contains = wanted;
  }
  return expectation;
}
