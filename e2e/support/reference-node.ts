import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { waitForOk } from './http.ts';
import { REPO_ROOT } from './nodes.ts';
import { freePort } from './ports.ts';

/** The original Python/Flask node, ../shared/reference/seed_node.py, beside the repository. */
export const REFERENCE_SCRIPT = resolve(REPO_ROOT, '..', 'shared', 'reference', 'seed_node.py');

export interface ReferenceNode {
  /** `127.0.0.1:PORT`: the reference listens on loopback only. */
  address: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the reference node with Debian's python3 (Flask, requests) and waits until it answers. */
export async function startReferenceNode(): Promise<ReferenceNode> {
  const port = await freePort();
  const child = spawn('/usr/bin/python3', [REFERENCE_SCRIPT, String(port), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${url}/chain`, 20_000);
  } catch (error) {
    await stop(child);
    throw new Error(`the reference node did not start: ${(error as Error).message}\n${stderr}`);
  }
  return { address: `127.0.0.1:${port}`, url, pid: child.pid!, stop: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
