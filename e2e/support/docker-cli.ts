import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NODE_IMAGE } from './node-containers.ts';
import { REPO_ROOT } from './nodes.ts';

const run = promisify(execFile);

/** How much of a failed command's output an error carries: enough for a compiler's complaint. */
const OUTPUT_TAIL_CHARS = 4000;

/**
 * Runs the docker CLI from the repository root, with `env` over this process's environment (say,
 * the variables a Compose file reads); on failure the error carries the end of its output.
 */
export async function docker(args: readonly string[], timeoutMs = 600_000, env: Readonly<Record<string, string>> = {}): Promise<string> {
  try {
    const { stdout } = await run('docker', args, {
      cwd: REPO_ROOT,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...env },
    });
    return stdout;
  } catch (error) {
    // Compose prints its progress and a build's own output (say, tsc's errors) on stderr.
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    const output = `${stdout.slice(-OUTPUT_TAIL_CHARS)}\n${stderr.slice(-OUTPUT_TAIL_CHARS)}`.trim();
    throw new Error(`docker ${args.join(' ')} failed: ${output || message}`);
  }
}

/**
 * The host port Docker publishes `containerPort` (TCP) of `container` on right now. It changes when
 * the container is started again or reconnected to its network, so read it again after either.
 */
export async function publishedPort(container: string, containerPort: number): Promise<number> {
  const output = await docker(['port', container, `${containerPort}/tcp`]);
  const first = output.split('\n')[0]!.trim(); // e.g. 0.0.0.0:32768, then [::]:32768
  const port = Number(first.slice(first.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no published port ${containerPort} for ${container}: '${output}'`);
  return port;
}

/**
 * The variables docker-compose.yml reads, for a test's own project: the test's image tag, and host
 * port 0, so Docker publishes each node on a free port of its choosing (read back with hostPort);
 * the defaults, 5000-5002, may belong to a network already running. The nodes' settings are the
 * Compose defaults whatever the shell that runs the tests exported, then `settings` over them.
 */
export function composeTestEnv(settings: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    CHAINLAB_IMAGE: NODE_IMAGE,
    CHAINLAB_PORT_1: '0',
    CHAINLAB_PORT_2: '0',
    CHAINLAB_PORT_3: '0',
    GOSSIP: 'on',
    POW_RULE: 'notebook',
    TX_RULE: 'open',
    LAB: 'on',
    MINING: 'manual',
    ...settings,
  };
}

/**
 * A Compose file (by default the project's docker-compose.yml) under a project name of its own, so
 * a test run never touches (or is touched by) a network a developer started by hand. `env` sets
 * the variables the file reads: an image tag and host ports of the test's own (CHAINLAB_IMAGE,
 * CHAINLAB_PORT_1 ...), so it builds over nothing and publishes nothing a developer's network holds.
 */
export class ComposeProject implements AsyncDisposable {
  readonly name: string;
  readonly file: string;
  readonly env: Readonly<Record<string, string>>;

  /** `file` is relative to the repository root. */
  constructor(name: string, file = 'docker-compose.yml', env: Readonly<Record<string, string>> = {}) {
    this.name = name;
    this.file = file;
    this.env = env;
  }

  /**
   * Builds the image, starts every service (plus e.g. `--scale node=4`) and returns once each
   * container is healthy. Fails when one turns unhealthy or exits, with every service's log.
   */
  async up(...extra: string[]): Promise<void> {
    try {
      await this.#compose('up', '--detach', '--build', '--wait', ...extra);
    } catch (error) {
      const logs = await this.logs().catch((logsError: Error) => logsError.message);
      throw new Error(`${(error as Error).message}\n--- docker compose logs ---\n${logs}`);
    }
  }

  /** Stops the services' containers (all when none are named), keeping them and their volumes. */
  async stop(...services: string[]): Promise<void> {
    await this.#compose('stop', ...services);
  }

  /** Starts stopped containers again; their published ports may be new ones (see hostPort). */
  async start(...services: string[]): Promise<void> {
    await this.#compose('start', ...services);
  }

  /**
   * The host port that replica `index` (from 1) of `service` publishes for `containerPort` right
   * now. A port Docker chose (host port 0, or none given) changes when the container starts again.
   */
  async hostPort(service: string, containerPort: number, index = 1): Promise<number> {
    const output = (await this.#compose('port', `--index=${index}`, service, String(containerPort))).trim();
    const port = Number(output.slice(output.lastIndexOf(':') + 1));
    if (!Number.isInteger(port) || port <= 0) throw new Error(`no published port for ${service} #${index}: '${output}'`);
    return port;
  }

  /** Removes the containers, the network and any volumes; safe to call when `up` failed half-way. */
  async down(): Promise<void> {
    await this.#compose('down', '--volumes', '--remove-orphans');
  }

  /** Disposing the project is taking it down. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.down();
  }

  /**
   * Runs `command` in `service`'s container (`docker compose exec -T`), answering its stdout; a
   * command that exits non-zero rejects with the end of its output.
   */
  async exec(service: string, ...command: string[]): Promise<string> {
    return this.#compose('exec', '-T', service, ...command);
  }

  /** Every service's log, to explain a failure. */
  async logs(): Promise<string> {
    return this.#compose('logs', '--no-color');
  }

  #compose(...args: string[]): Promise<string> {
    return docker(['compose', '--project-name', this.name, '--file', this.file, ...args], undefined, this.env);
  }
}
