import { run } from '../../src/cli/main.ts';

/** One run of the chainlab CLI, in-process, with its wallets in `wallets`, and what it wrote. */
export async function runCli(wallets: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { CHAINLAB_WALLETS: wallets },
  });
  return { code, stdout, stderr };
}
