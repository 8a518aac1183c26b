import { Command } from 'commander';
import { painter, printable } from '../cli/colour.ts';
import { defaultNodes, nodeList, Refused, valueOf, type CliIo } from '../cli/commands/common.ts';
import { requestNode } from '../cli/node-client.ts';
import { createProgress } from '../cli/progress.ts';
import { RESET_QUIET_MS } from '../lab/lab.ts';
import { lessonNames, readLesson } from './files.ts';
import { LESSONS_DIR } from './paths.ts';
import type { Lesson, Step } from './format.ts';
import { composeCommand, needsText } from './settings.ts';
import { runLesson, type Requester, type Tone } from './runner.ts';

const MAX_LINE_CHARS = 4000;
// The nodes' default PEER_TIMEOUT_MS (src/config.ts): a reset keeps each node quiet for RESET_QUIET_MS plus twice it.
const DEFAULT_PEER_TIMEOUT_MS = 2000;

export { LESSONS_DIR };

export interface LessonDeps {
  dir?: string;
  request?: Requester;
  settleMs?: number;
  timeoutMs?: number;
}

/**
 * `lesson list [--json] | show NAME | run NAME [--nodes URL,...]`: the runnable lessons in lessons/.
 * A bad lesson, an unready network or a failed expectation throws Refused (exit 1, as in run()).
 */
export function lessonCommand(io: CliIo, deps: LessonDeps = {}): Command {
  const dir = deps.dir ?? LESSONS_DIR;
  const out = (text: string) => io.stdout(`${text}\n`);
  const load = (name: string): Lesson => valueOf(readLesson(dir, name));
  const names = () => lessonNames(dir);

  const lesson = new Command('lesson').description('runnable lessons: narrated steps against a LAB=on network, each checked');
  lesson
    .command('list')
    .description('the lessons, with their titles (a lesson that does not parse is named on stderr, and the exit is 1)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const read = names().map((name) => ({ name, parsed: readLesson(dir, name) }));
      const all = read.flatMap(({ name, parsed }) => (parsed.ok ? [{ name, ...parsed.value }] : []));
      if (options.json === true) out(JSON.stringify(all.map(({ name, title, summary, network }) => ({ name, title, summary, network }))));
      else for (const { name, title } of all) out(`${name.padEnd(20)} ${title}`);
      // One broken file must not hide the others: they are listed, and it is named.
      const broken = read.flatMap(({ parsed }) => (parsed.ok ? [] : [parsed.reason]));
      if (broken.length > 0) throw new Refused(`${broken.length} lesson file(s) do not parse: ${broken.join('; ')}`);
    });
  lesson
    .command('show <name>')
    .description("print a lesson's narration and steps, without running it")
    .option('--json', 'print the lesson as parsed, as JSON')
    .action((name: string, options: { json?: boolean }) => {
      const parsed = load(name);
      if (options.json === true) return out(JSON.stringify({ name, ...parsed }));
      const { title, summary, network, steps } = parsed;
      out(`# ${title}\n${summary.trim()}\n\nnetwork: ${needsText(network)}\nstart it with: ${composeCommand(network)}`);
      steps.forEach((step, i) => out(`${i + 1}. [${step.action}] ${step.say.trim()}`));
    });
  lesson
    .command('run <name>')
    .description('reset the network through node 1, then run the steps and check each expectation')
    .option('--nodes <urls>', 'the nodes, in order: node 1, node 2, ... (default: $CHAINLAB_NODES, else :5000, :5001, :5002)', nodeList)
    .option('--step', 'pause before each step until Enter is pressed (q and Enter stops)')
    .option('--json', 'print only the report, as JSON: {name, passed, failed, steps, failure?}')
    .action(async (name: string, options: { nodes?: string[]; step?: boolean; json?: boolean }) => {
      const progress = createProgress(io);
      const paint = painter(io);
      const tones: Record<Tone, (text: string) => string> = { heading: paint.bold, say: (text) => text, ok: paint.ok, bad: paint.bad };
      const report = await runLesson(load(name), {
        nodes: options.nodes ?? defaultNodes(io.env),
        request: deps.request ?? requestNode,
        print: (line, tone) => {
          // A line may carry a node's reason: its control characters must not reach the terminal.
          const shown = line.split('\n').map((part) => printable(part, MAX_LINE_CHARS));
          if (options.json !== true) out(tones[tone](shown.join('\n')));
        },
        progress: (text) => (text === '' ? progress.done() : progress.update(text)),
        ...(options.step === true ? { beforeStep: pauser(io) } : {}),
        settleMs: deps.settleMs ?? RESET_QUIET_MS + 2 * DEFAULT_PEER_TIMEOUT_MS,
        ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      });
      if (options.json === true) out(JSON.stringify({ name, ...report }));
      if (report.failure !== undefined) throw new Refused(`lesson ${name}: ${report.failure}`);
      if (options.json !== true) out(paint.ok(`lesson ${name}: all ${report.passed} expectations passed`));
    });
  return lesson;
}

/** `--step`: before each step, waits for a line on stdin; `q` stops the lesson, the end of stdin stops pausing. */
function pauser(io: CliIo): (index: number, step: Step) => Promise<void> {
  let ended = false;
  return async (index, step) => {
    if (ended || io.readLine === undefined) return;
    io.stderr(`-- step ${index + 1}, ${step.action}: press Enter to run it (q to stop) `);
    const line = await io.readLine();
    if (line === undefined) ended = true;
    else if (line.trim().toLowerCase() === 'q') throw new Refused(`stopped before step ${index + 1}`);
  };
}
