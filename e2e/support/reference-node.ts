import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { waitForOk } from './http.ts';
import { freePort } from './ports.ts';

/**
 * How to start the original Python/Flask node, which this repository does not ship: its script
 * (REFERENCE_NODE), the interpreter (REFERENCE_PYTHON) and the arguments after the script
 * (REFERENCE_ARGS, `{port}` standing for the port the harness picks).
 */
export interface ReferenceNodeCommand {
  python: string;
  script: string;
  args: readonly string[];
}

/** Debian's python3, where `apt-get install python3-flask python3-requests` puts the node's imports. */
const DEFAULT_PYTHON = '/usr/bin/python3';
/** How the project's copy, seed_node.py, starts; the tutorial's blockchain.py takes `-p {port}`. */
const DEFAULT_ARGS = '{port} --quiet';

const HOW_TO_SET_IT = `The interop tests (npm run test:interop) and the bench run the original Python node, the one from
the tutorial "Learn Blockchains by Building One". This repository does not ship it: set REFERENCE_NODE
to its script.

  - The tutorial's repository, https://github.com/dvf/blockchain, has it as blockchain.py, started as
    \`python3 blockchain.py -p PORT\`; so also set REFERENCE_ARGS='-p {port}':
      REFERENCE_NODE=/path/to/blockchain/blockchain.py REFERENCE_ARGS='-p {port}' npm run test:interop
    Take a commit whose proof of work is sha256(f"{last_proof}{proof}"), the tutorial's rule (see
    .github/workflows/ci.yml); later commits hash the previous block too, and chainlab's default
    rule does not.
  - A copy started one port per process, \`python3 seed_node.py PORT --quiet\` (the default
    REFERENCE_ARGS, '${DEFAULT_ARGS}'):
      REFERENCE_NODE=/path/to/seed_node.py npm run test:interop

The node runs under REFERENCE_PYTHON (default ${DEFAULT_PYTHON}), which needs Flask and requests
(Debian: apt-get install python3-flask python3-requests; elsewhere: pip install flask requests).`;

/** Reads the three variables; a missing or unusable REFERENCE_NODE throws, saying what to set and where to get it. */
export function referenceNodeCommand(env: NodeJS.ProcessEnv = process.env): ReferenceNodeCommand {
  const script = env.REFERENCE_NODE;
  if (!script) throw new Error(`REFERENCE_NODE is not set.\n\n${HOW_TO_SET_IT}`);
  if (!isFile(script)) throw new Error(`REFERENCE_NODE=${script}: no such file.\n\n${HOW_TO_SET_IT}`);
  const args = (env.REFERENCE_ARGS ?? DEFAULT_ARGS).trim().split(/\s+/);
  if (!args.includes('{port}')) {
    throw new Error(
      `REFERENCE_ARGS='${env.REFERENCE_ARGS}' has no {port}: the harness picks the port, e.g. '-p {port}' or '${DEFAULT_ARGS}'.`,
    );
  }
  return { python: env.REFERENCE_PYTHON || DEFAULT_PYTHON, script: resolve(script), args };
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** A running reference node; stop() or disposing it (`await using`) ends its process. */
export interface ReferenceNode extends AsyncDisposable {
  /** `127.0.0.1:PORT`: the harness reaches it on loopback. */
  address: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface ReferenceNodeOptions {
  /**
   * An open file to write the node's stdout and stderr to, and no `--quiet`: it logs every request,
   * as the notebook's node does (the bench measures it so). Without it the node runs as the command
   * says, and only its stderr is kept, for the error if it does not start.
   */
  logTo?: number;
}

/** Starts the reference node on a free port and waits until it answers GET /chain. */
export async function startReferenceNode(
  command: ReferenceNodeCommand = referenceNodeCommand(),
  { logTo }: ReferenceNodeOptions = {},
): Promise<ReferenceNode> {
  const port = await freePort();
  const args = command.args.map((arg) => arg.replaceAll('{port}', String(port))).filter((arg) => logTo === undefined || arg !== '--quiet');
  const commandLine = [command.python, command.script, ...args].join(' ');
  const child = spawn(command.python, [command.script, ...args], { stdio: ['ignore', logTo ?? 'ignore', logTo ?? 'pipe'] });
  let stderr = logTo === undefined ? '' : '(its output is in the bench log)';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-65_536)));
  // A node that cannot start (no such interpreter, no Flask, a bad argument) ends at once: say so
  // then, with its stderr, rather than when the wait for an answer runs out.
  const ended = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`${command.python}: ${error.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`it exited with ${signal ?? `code ${code}`} before answering`)));
  });
  ended.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForOk(`${url}/chain`, 20_000), ended]);
  } catch (error) {
    await stop(child);
    throw new Error(`the reference node did not start (${commandLine}): ${(error as Error).message}\n${stderr}`);
  }
  return { address: `127.0.0.1:${port}`, url, pid: child.pid!, stop: () => stop(child), [Symbol.asyncDispose]: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
