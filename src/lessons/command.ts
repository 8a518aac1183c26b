import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Refused, type CliIo } from '../cli/commands/common.ts';
import { requestNode } from '../cli/node-client.ts';
import { RESET_QUIET_MS } from '../lab/lab.ts';
import { parseLesson, type Lesson } from './format.ts';
import { runLesson, type Requester } from './runner.ts';

/** lessons/ at the package's root: from src/lessons and from dist/lessons alike. */
export const LESSONS_DIR = resolve(__dirname, '../../lessons');
const DEFAULT_NODES = ['http://localhost:5000', 'http://localhost:5001', 'http://localhost:5002'];
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_NODES = 16;
// The nodes' default PEER_TIMEOUT_MS (src/config.ts): a reset keeps each node quiet for RESET_QUIET_MS plus twice it.
const DEFAULT_PEER_TIMEOUT_MS = 2000;

export interface LessonDeps {
  dir?: string;
  request?: Requester;
  settleMs?: number;
  timeoutMs?: number;
}

function nodeList(text: string): string[] {
  const urls = text.split(',').map((url) => url.trim());
  if (urls.length > MAX_NODES || urls.some((url) => !/^https?:\/\/[^\s/]+/.test(url)))
    throw new InvalidArgumentError(
      `expected up to ${MAX_NODES} comma-separated http:// URLs, as in http://localhost:5000,http://localhost:5001`,
    );
  return urls;
}

/**
 * `lesson list [--json] | show NAME | run NAME [--nodes URL,...]`: the runnable lessons in lessons/.
 * A bad lesson, an unready network or a failed expectation throws Refused (exit 1, as in run()).
 */
export function lessonCommand(io: CliIo, deps: LessonDeps = {}): Command {
  const dir = deps.dir ?? LESSONS_DIR;
  const out = (text: string) => io.stdout(`${text}\n`);
  const load = (name: string): Lesson => {
    if (!NAME.test(name))
      throw new Refused(`no lesson '${name}': a lesson's name is lower-case letters, digits and dashes (see lesson list)`);
    let text: string;
    try {
      text = readFileSync(join(dir, `${name}.yaml`), 'utf8');
    } catch {
      throw new Refused(`no lesson '${name}' in ${dir} (see lesson list)`);
    }
    const parsed = parseLesson(text, `lessons/${name}.yaml`);
    if (!parsed.ok) throw new Refused(parsed.reason);
    return parsed.value;
  };
  const names = () =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => file.slice(0, -'.yaml'.length))
      .sort();

  const lesson = new Command('lesson').description('runnable lessons: narrated steps against a LAB=on network, each checked');
  lesson
    .command('list')
    .description('the lessons, with their titles')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const all = names().map((name) => ({ name, ...load(name) }));
      if (options.json === true)
        return out(JSON.stringify(all.map(({ name, title, summary, network }) => ({ name, title, summary, network }))));
      for (const { name, title } of all) out(`${name.padEnd(16)} ${title}`);
    });
  lesson
    .command('show <name>')
    .description("print a lesson's narration and steps, without running it")
    .action((name: string) => {
      const { title, summary, network, steps } = load(name);
      out(
        `# ${title}\n${summary.trim()}\n\nnetwork: ${network.nodes} nodes, TX_RULE=${network.tx_rule ?? 'open'}${network.pow_rule ? `, POW_RULE=${network.pow_rule}` : ''}`,
      );
      steps.forEach((step, i) => out(`${i + 1}. [${step.action}] ${step.say.trim()}`));
    });
  lesson
    .command('run <name>')
    .description('reset the network through node 1, then run the steps and check each expectation')
    .option('--nodes <urls>', 'the nodes, in order: node 1, node 2, ...', nodeList, DEFAULT_NODES)
    .action(async (name: string, options: { nodes: string[] }) => {
      const outcome = await runLesson(load(name), {
        nodes: options.nodes,
        request: deps.request ?? requestNode,
        print: out,
        settleMs: deps.settleMs ?? RESET_QUIET_MS + 2 * DEFAULT_PEER_TIMEOUT_MS,
        ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      });
      if (!outcome.ok) throw new Refused(`lesson ${name}: ${outcome.reason}`);
      out(`lesson ${name}: all ${outcome.value.passed} expectations passed`);
    });
  return lesson;
}
