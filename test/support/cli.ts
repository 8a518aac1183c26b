import { run } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/commands/common.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A run of the chainlab CLI under way: what it wrote so far, and its end. */
export interface StartedCli {
  stdout(): string;
  stderr(): string;
  exited: Promise<CliRun>;
}

/**
 * Starts the chainlab CLI in-process, with its wallets in `wallets` and `io` over the defaults
 * (no colour, no progress, no stdin); for a command that waits (watch), the test reads its output
 * as it comes.
 */
export function startCli(wallets: string, argv: string[], io: Partial<Omit<CliIo, 'stdout' | 'stderr'>> = {}): StartedCli {
  let stdout = '';
  let stderr = '';
  const exited = run(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { CHAINLAB_WALLETS: wallets },
    ...io,
  }).then((code) => ({ code, stdout, stderr }));
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

/** One run of the chainlab CLI, in-process, with its wallets in `wallets`, and what it wrote. */
export async function runCli(wallets: string, ...argv: string[]): Promise<CliRun> {
  return startCli(wallets, argv).exited;
}
