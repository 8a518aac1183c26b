import { lessonNames, readLessons as readAll } from '../../src/lessons/files.ts';
import type { Expectation, Lesson, Step, TxMatch } from '../../src/lessons/format.ts';
import { COMPOSE_SETTINGS, composeCommand } from '../../src/lessons/settings.ts';

// docs/lessons/: a page per lesson of lessons/, and an index. Lessons gain actions, expectations and
// network settings over time, and the parser may know them before this file does: anything not
// known here is shown as `key: JSON` rather than dropped or thrown on, so the docs never hide a
// part of a lesson and a new field never stops npm run docs.

/** How many nodes docker-compose.yml starts. */
const COMPOSE_NODES = 3;

export interface NamedLesson {
  name: string;
  lesson: Lesson;
}

/**
 * Every lessons/NAME.yaml of `dir`, parsed, by name. Throws on a lesson that does not parse,
 * with the parser's reason: its page would otherwise go stale, or vanish, without a word.
 */
export function readLessons(dir: string): NamedLesson[] {
  if (lessonNames(dir).includes('readme')) throw new Error('lessons/readme.yaml: the name readme is the index of docs/lessons');
  try {
    return readAll(dir);
  } catch (error) {
    throw new Error(`npm run docs cannot render a lesson: ${(error as Error).message}`);
  }
}

/** The pages of docs/lessons/ for these lessons, by their path under docs/. */
export function lessonPages(lessons: readonly NamedLesson[]): Record<string, () => string> {
  const pages: Record<string, () => string> = { 'lessons/README.md': () => lessonsIndexMarkdown(lessons) };
  for (const { name, lesson } of lessons) pages[`lessons/${name}.md`] = () => lessonMarkdown(name, lesson);
  return pages;
}

/** docs/lessons/NAME.md. */
export function lessonMarkdown(name: string, lesson: Lesson): string {
  return [
    `# ${oneLine(lesson.title)}`,
    '',
    `Generated from [lessons/${name}.yaml](../../lessons/${name}.yaml) by \`npm run docs\`; run it with \`npx chainlab lesson run ${name}\` (after \`npm run build\`) against a network started as \`${composeCommand(lesson.network)}\`.`,
    '',
    oneLine(lesson.summary),
    '',
    '## The network',
    '',
    ...needs(lesson.network).map((need) => `- ${need}`),
    '',
    '## Steps',
    '',
    ...lesson.steps.flatMap((step, i) => [
      `${i + 1}. ${oneLine(step.say)}`,
      '',
      `   ${actionText(step)}`,
      '',
      ...Object.entries(step.expect ?? {}).map(([key, value]) => `   - Expect: ${expectationText(key, value)}`),
      ...(step.expect === undefined ? [] : ['']),
    ]),
    'All the lessons: [the index](README.md).',
    '',
  ].join('\n');
}

/** docs/lessons/README.md: a table of the lessons. */
export function lessonsIndexMarkdown(lessons: readonly NamedLesson[]): string {
  return [
    '<!-- Generated from lessons/*.yaml by `npm run docs`: edit the lessons there, not this file. -->',
    '',
    '# Lessons',
    '',
    'Each lesson is a YAML file of narrated steps in [lessons/](../../lessons), run and checked step by step with `npx chainlab lesson run NAME` (after `npm run build`) against a network started as its page says.',
    '',
    '| Lesson | Title | Network |',
    '| --- | --- | --- |',
    ...lessons.map(({ name, lesson }) => `| [${name}](${name}.md) | ${cell(lesson.title)} | \`${composeCommand(lesson.network)}\` |`),
    '',
  ].join('\n');
}

/** What the lesson needs of the network, one short line each. */
function needs(network: Lesson['network']): string[] {
  const { nodes, ...rest } = network as Record<string, unknown>;
  const count =
    typeof nodes === 'number' && nodes > COMPOSE_NODES
      ? `${nodes} nodes (the compose file starts ${COMPOSE_NODES}: start more, and pass them with \`--nodes\`)`
      : `${shown(nodes)} node${nodes === 1 ? '' : 's'}`;
  const settings = COMPOSE_SETTINGS.map(({ key, variable, fallback, what }) => {
    const value = rest[key];
    if (value === undefined) return `${what}: any \`${variable}\``;
    return `${what}: \`${variable}=${shown(value)}\`${value === fallback ? ' (the default)' : ''}`;
  });
  const known: readonly string[] = COMPOSE_SETTINGS.map(({ key }) => key);
  const others = Object.entries(rest)
    .filter(([key]) => !known.includes(key))
    .map(([key, value]) => unknown(key, value));
  return [count, ...settings, ...others];
}

/** The fields each action renders; any other field of a step is shown after it, as `key: JSON`. */
const RENDERED: Record<string, readonly string[]> = {
  mine: ['node'],
  send: ['node', 'from', 'to', 'amount', 'signed_by'],
  partition: ['groups'],
  heal: [],
  resolve: ['node'],
  tamper: ['node', 'index', 'transaction', 'amount', 'rehash'],
  reset: ['node'],
  wait: ['ms'],
};
const STEP_FIELDS = ['action', 'say', 'expect', 'line'];

/** A step's action, as a sentence: `**send** 5 from alice to bob through node 1`. */
export function actionText(step: Step): string {
  const fields = step as unknown as Record<string, unknown>;
  const action = shown(fields.action);
  const rendered = RENDERED[action];
  const extra = Object.entries(fields)
    .filter(([key]) => !STEP_FIELDS.includes(key) && !(rendered ?? []).includes(key))
    .map(([key, value]) => unknown(key, value));
  const main = rendered === undefined ? `**${action}**` : knownAction(step);
  return extra.length === 0 ? main : `${main} (${extra.join(', ')})`;
}

function knownAction(step: Step): string {
  switch (step.action) {
    case 'mine':
      return `**mine** on node ${step.node}`;
    case 'send':
      return `**send** ${step.amount} from ${step.from} to ${step.to} through node ${step.node}${step.signed_by === undefined ? '' : ` (signed by ${step.signed_by})`}`;
    case 'partition':
      return `**partition** nodes ${Array.isArray(step.groups) ? step.groups.map((group) => [group].flat().join(', ')).join(' / ') : JSON.stringify(step.groups)}`;
    case 'heal':
      return '**heal**';
    case 'resolve':
      return `**resolve** on node ${step.node}`;
    case 'tamper':
      return `**tamper** with block ${step.index} of node ${step.node}: transaction ${step.transaction ?? 0}'s amount becomes ${step.amount}, later blocks ${step.rehash === true ? 'relinked' : 'left as they were'}`;
    case 'reset':
      return `**reset** node ${step.node} alone to genesis`;
    case 'wait':
      return `**wait** ${step.ms} ms`;
    default: // an action the Step type gains before this file does
      return `**${shown((step as { action: unknown }).action)}**`;
  }
}

/** One expectation, as a sentence: `lengths 3, 3, 2`. */
export function expectationText(key: string, value: unknown): string {
  const wanted = value as Expectation[keyof Expectation];
  switch (key) {
    case 'lengths':
      if (Array.isArray(wanted)) return `lengths ${wanted.join(', ')}`;
      break;
    case 'forked':
      if (typeof wanted === 'boolean') return wanted ? "the nodes' tips differ" : 'all nodes on one tip';
      break;
    case 'valid':
      if (Array.isArray(wanted)) return `chain valid on nodes: ${wanted.map((ok) => (ok === true ? 'yes' : 'no')).join(', ')}`;
      break;
    case 'pending_contains':
      if (isRecord(wanted)) return `node ${shown(wanted.node)}'s pool holds ${transaction(wanted)}`;
      break;
    case 'chain_contains':
      if (isRecord(wanted)) return `node ${shown(wanted.node)}'s chain holds ${transaction(wanted)}`;
      break;
    case 'balances':
      if (isRecord(wanted) && isRecord(wanted.accounts)) {
        const accounts = Object.entries(wanted.accounts).map(([party, amount]) => `${party} ${shown(amount)}`);
        return `balances on node ${shown(wanted.node)}: ${accounts.join(', ')}`;
      }
      break;
    case 'refused':
      if (typeof wanted === 'string') return `the node refuses it, saying “${oneLine(wanted)}”`;
      break;
  }
  return unknown(key, value);
}

/** `a transaction from carol to dave of 7`, with only the fields the match names (and any new ones). */
function transaction(match: Record<string, unknown>): string {
  const { node: _node, sender, recipient, amount, ...rest } = match as Partial<TxMatch> & Record<string, unknown>;
  const parts = ['a transaction'];
  if (sender !== undefined) parts.push(`from ${shown(sender)}`);
  if (recipient !== undefined) parts.push(`to ${shown(recipient)}`);
  if (amount !== undefined) parts.push(`of ${shown(amount)}`);
  const others = Object.entries(rest).map(([key, value]) => unknown(key, value));
  return others.length === 0 ? parts.join(' ') : `${parts.join(' ')} (${others.join(', ')})`;
}

/** A field this file does not know: `key: JSON`, as inline code (fenced wider if the JSON holds a backtick). */
export function unknown(key: string, value: unknown): string {
  const text = `${key}: ${JSON.stringify(value) ?? String(value)}`;
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A value as text: a string as it is, anything else as JSON (never `[object Object]`). */
const shown = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A narration folded to one line: a line break or blank line would end the list item it sits in. */
const oneLine = (text: string): string => text.trim().replace(/\s+/g, ' ');
const cell = (markdown: string): string => oneLine(markdown).replaceAll('|', '\\|');
