import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NodeProcess } from './processes.ts';

/** Starts bare-http.ts (compiled beside this file) in a process of its own, on a free port, and waits until it listens. */
export async function startBareHttp(): Promise<NodeProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'bare-http.js'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`bare-http exited with code ${code} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const port = /^listening (\d+)$/.exec(line)?.[1];
      if (port !== undefined) return Number(port);
    }
    throw new Error('bare-http closed its output before listening');
  })();
  const port = await Promise.race([listening, exited]);
  exited.catch(() => undefined);
  child.stdout.resume(); // it prints nothing more; never let a full pipe stall it
  const address = `127.0.0.1:${port}`;
  return {
    name: 'bare node:http',
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
