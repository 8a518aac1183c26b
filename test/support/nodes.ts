import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readConfig, type Config } from '../../src/config.ts';
import { silentLogger, type Logger } from '../../src/log/log.ts';
import { startNode, type RunningNode } from '../../src/server.ts';
import { closable, type Closable } from './closable.ts';

/** A node of startTestNode: `await using` stops it, as close() does (once, however often called). */
export type TestNode = RunningNode & Closable & { address: string };

/**
 * A node on a free loopback port, with quiet logs (unless given `log`) and one mining thread unless
 * told otherwise. Gossip is off unless `env` turns it on: most tests drive the notebook's steps.
 */
export async function startTestNode(env: Record<string, string> = {}, log: Logger = silentLogger): Promise<TestNode> {
  const config: Config = readConfig({ PORT: '0', HOST: '127.0.0.1', MINING_THREADS: '1', PEER_TIMEOUT_MS: '1000', GOSSIP: 'off', ...env });
  const running = await startNode(config, log);
  return closable({ ...running, address: running.url.replace('http://', '') });
}

/** A stand-in peer that answers every request with `listener`, for peers that misbehave. */
export async function startFakePeer(listener: RequestListener): Promise<Closable & { address: string }> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return closable({
    address: `127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}

export interface JsonResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read it freely
  text: string;
}

/** A request with a JSON body (when given), answered as parsed JSON. */
export async function call(
  url: string,
  init: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}
