import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from './nodes.ts';

const run = promisify(execFile);

/** How much of a failed command's output an error carries: enough for a compiler's complaint. */
const OUTPUT_TAIL_CHARS = 4000;

/** Runs the docker CLI from the repository root; on failure the error carries the end of its output. */
export async function docker(args: readonly string[], timeoutMs = 600_000): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    // Compose v1 prints a build's own output (say, tsc's errors) on stdout and only its verdict on stderr.
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    const output = `${stdout.slice(-OUTPUT_TAIL_CHARS)}\n${stderr.slice(-OUTPUT_TAIL_CHARS)}`.trim();
    throw new Error(`docker ${args.join(' ')} failed: ${output || message}`);
  }
}

/**
 * The project's docker-compose.yml under its own project name, so a test run never touches
 * (or is touched by) a network a developer started by hand. Works with Compose v1 and v2: no
 * v2-only flags, and nothing depends on container names, which the two spell differently.
 */
export class ComposeProject {
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  async up(): Promise<void> {
    await this.#compose('up', '-d', '--build');
  }

  /** Removes the containers, the network and any volumes; safe to call when `up` failed half-way. */
  async down(): Promise<void> {
    await this.#compose('down', '-v', '--remove-orphans');
  }

  /** Every service's log, to explain a failure. */
  async logs(): Promise<string> {
    return this.#compose('logs', '--no-color');
  }

  #compose(...args: string[]): Promise<string> {
    return docker(['compose', '-p', this.name, '-f', 'docker-compose.yml', ...args]);
  }
}
