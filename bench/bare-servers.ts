import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { deployedNodeEnv, deployedNodeFlags } from './adoption.ts';
import type { NodeProcess } from './processes.ts';

/** Starts bare-http.ts (compiled beside this file) in a process of its own, on a free port, and waits until it listens. */
export function startBareHttp(): Promise<NodeProcess> {
  return startListening('bare-http.js', 'bare node:http', [], {}, ['0']);
}

/**
 * Starts bare-koa.ts (compiled beside this file) in a process of its own, on a free port, and waits
 * until it listens: the floor Koa, @koa/router and @koa/bodyparser set under POST /transactions/new.
 * With chainlab's node flags and environment, as its memory is measured (bench/adoption.ts): the GC it runs under is
 * the deployed node's.
 */
export function startBareKoa(): Promise<NodeProcess> {
  return startListening('bare-koa.js', 'bare Koa', deployedNodeFlags(), { ...deployedNodeEnv(), PORT: '0' });
}

/** Starts `script` (compiled beside this file), which prints `listening PORT` once it listens, and waits for that line. */
export async function startListening(
  script: string,
  name: string,
  flags: string[],
  env: Record<string, string>,
  args: string[] = [],
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [...flags, join(__dirname, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${name} exited with code ${code} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const port = /^listening (\d+)$/.exec(line)?.[1];
      if (port !== undefined) return Number(port);
    }
    throw new Error(`${name} closed its output before listening`);
  })();
  const port = await Promise.race([listening, exited]);
  exited.catch(() => undefined);
  child.stdout.resume(); // it prints nothing more; never let a full pipe stall it
  const address = `127.0.0.1:${port}`;
  return {
    name,
    url: `http://${address}`,
    address,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
