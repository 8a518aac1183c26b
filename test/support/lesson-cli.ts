import { Refused, type CliIo } from '../../src/cli/commands/common.ts';
import { lessonCommand, type LessonDeps } from '../../src/lessons/command.ts';

export interface LessonRun {
  out: string;
  err: string;
  /** What the command threw: a Refused is exit 1 under the CLI. */
  error?: unknown;
}

/** `chainlab lesson ...argv` in-process, with `deps` (a lessons dir, a shorter settle), `lines` typed on stdin, and `env`. */
export async function runLessonCli(
  argv: string[],
  deps: LessonDeps = {},
  lines?: string[],
  env: Record<string, string> = {},
): Promise<LessonRun> {
  let out = '';
  let err = '';
  const typed = lines === undefined ? undefined : [...lines];
  const io: CliIo = {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    env,
    ...(typed === undefined ? {} : { readLine: async () => typed.shift() }),
  };
  const command = lessonCommand(io, deps);
  command.exitOverride();
  try {
    await command.parseAsync(argv, { from: 'user' });
    return { out, err };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return { out, err, error };
  }
}
