import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '../src/chain/block.ts';
import { toJson } from '../src/chain/py-json.ts';
import { waitForOk } from '../e2e/support/http.ts';
import { freePort } from '../e2e/support/ports.ts';
import { referenceNodeCommand, startReferenceNode, type ReferenceNode } from '../e2e/support/reference-node.ts';
import { startFakePeer } from '../test/support/nodes.ts';
import { openLog } from './paths.ts';

/** A node under measurement, in a process of its own, like a real deployment. */
export interface NodeProcess {
  name: string;
  url: string;
  address: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * How the image runs the node: the node flags of its CMD, and what its ENV sets beyond the node's
 * configuration. npm start runs the same (test/deployed-command.test.ts holds the three together).
 */
export const DEPLOYED_NODE = {
  flags: ['--max-semi-space-size=4', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--expose-gc'],
  env: { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=65536' },
};

/**
 * Starts chainlab's compiled entry point (this bench's build of src/main.ts) on loopback, on a free
 * port unless `env` names one (nodes that list each other in PEERS need their ports beforehand).
 * Nodes that talk to each other need distinct NODE_IDs: a node skips a peer with its own id.
 */
export async function startChainlab(env: Record<string, string> = {}): Promise<NodeProcess> {
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
  // With the V8 flags and the malloc tunables the image runs it with (Dockerfile CMD and ENV): the
  // memory measured is the deployed node's. Its JSON lines go to a file, as they would go to
  // Docker's log: logging costs what it costs deployed.
  const log = openLog(`chainlab-${env.NODE_ID ?? 'bench'}`);
  const child = spawn(process.execPath, [...DEPLOYED_NODE.flags, join(__dirname, '..', 'src', 'main.js')], {
    env: { ...process.env, ...DEPLOYED_NODE.env, HOST: '127.0.0.1', NODE_ID: 'bench', ...env, PORT: String(port) },
    stdio: ['ignore', log.fd, 'inherit'],
  });
  closeSync(log.fd); // the child holds its own copy
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`chainlab exited with code ${code} before answering`);
  });
  await Promise.race([waitForOk(`${url}/health`, 20_000), exited]);
  exited.catch(() => undefined);
  return { name: 'chainlab', url, address: `127.0.0.1:${port}`, pid: child.pid!, stop: () => stop(child) };
}

/** The original Python node, as REFERENCE_NODE names it (see e2e/support/reference-node.ts). */
export async function startReference(): Promise<NodeProcess> {
  // Without --quiet, logging each request to a file, as the notebook's node does.
  const log = openLog('reference');
  const reference: ReferenceNode = await startReferenceNode(referenceNodeCommand(), { logTo: log.fd }).finally(() => closeSync(log.fd));
  return { name: 'reference', url: reference.url, address: reference.address, pid: reference.pid, stop: () => reference.stop() };
}

/**
 * A peer that serves `chain` on GET /chain and nothing else, as the reference does (no /chain/tip,
 * no ?from=N): a node catching up from it fetches the whole chain.
 */
export async function serveChain(chain: readonly Block[]): Promise<{ address: string; close(): Promise<void> }> {
  const body = Buffer.from(toJson({ chain: [...chain], length: chain.length }));
  return startFakePeer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/chain') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
}

export async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

/** Resident memory of a process, from /proc (Linux). */
export function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
