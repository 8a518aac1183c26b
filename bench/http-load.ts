import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface Load {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Errors, timeouts and answers outside 2xx: a figure with failures in it measures nothing. */
  failures: number;
}

export interface LoadOptions {
  method?: 'GET' | 'POST';
  body?: string;
  seconds: number;
  connections: number;
}

/** The load generators the bench knows: wrk (C, its own process) and autocannon (Node, in this one). */
export type LoadClient = 'wrk' | 'autocannon';

/** Where wrk is looked for; a machine without it measures with autocannon alone, and says so. */
export const WRK = '/usr/bin/wrk';

/** The clients this machine has: wrk when installed, and autocannon always. */
export function loadClients(): LoadClient[] {
  try {
    accessSync(WRK, constants.X_OK);
    return ['wrk', 'autocannon'];
  } catch {
    return ['autocannon'];
  }
}

/** Drives `url` with `client` and summarises what it saw. */
export function loadWith(client: LoadClient, url: string, options: LoadOptions): Promise<Load> {
  return client === 'wrk' ? wrk(url, options) : load(url, options);
}

/** Drives `url` with autocannon from this process and summarises what it saw. */
export async function load(url: string, { method = 'GET', body, seconds, connections }: LoadOptions): Promise<Load> {
  const result = await autocannon({
    url,
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    duration: seconds,
    connections,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

const run = promisify(execFile);

/**
 * Drives `url` with wrk (one thread, as the issue measured it), a POST body through a Lua script,
 * and reads its report. wrk counts as failed the answers of status 400 and up, and socket errors
 * (connect, read, write, timeout); none of the routes measured answers 3xx.
 */
export async function wrk(url: string, { method = 'GET', body, seconds, connections }: LoadOptions): Promise<Load> {
  const dir = mkdtempSync(join(tmpdir(), 'chainlab-wrk-'));
  try {
    const script = join(dir, 'request.lua');
    writeFileSync(script, luaRequest(method, body));
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url];
    const { stdout } = await run(WRK, args, { timeout: (seconds + 30) * 1000 });
    return parseWrk(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Lua script that makes every request of a wrk run `method url` with `body` as JSON. */
export function luaRequest(method: string, body: string | undefined): string {
  const lines = [`wrk.method = ${luaString(method)}`];
  if (body !== undefined) lines.push(`wrk.body = ${luaString(body)}`, 'wrk.headers["Content-Type"] = "application/json"');
  return `${lines.join('\n')}\n`;
}

/** A Lua long string holding `text` as is: `[==[…]==]` with enough `=` that `text` cannot close it. */
function luaString(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

/** What wrk printed (with --latency), as a Load. Throws when a figure is missing: a figure it did not print was not measured. */
export function parseWrk(output: string): Load {
  const requestsPerSecond = figure(output, /^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec');
  const p50Ms = latencyMs(output, '50');
  const p99Ms = latencyMs(output, '99');
  const non2xx = Number(/^\s*Non-2xx or 3xx responses:\s+(\d+)/m.exec(output)?.[1] ?? 0);
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = sockets === null ? 0 : sockets.slice(1).reduce((sum, n) => sum + Number(n), 0);
  return { requestsPerSecond, p50Ms, p99Ms, failures: non2xx + socketErrors };
}

function figure(output: string, pattern: RegExp, name: string): number {
  const match = pattern.exec(output);
  if (match === null) throw new Error(`wrk printed no ${name}:\n${output}`);
  return Number(match[1]);
}

const TO_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** A percentile of wrk's "Latency Distribution" (`  99%    1.23ms`), in ms. */
function latencyMs(output: string, percent: string): number {
  const match = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
  if (match === null) throw new Error(`wrk printed no ${percent}% latency:\n${output}`);
  return Number(match[1]) * TO_MS[match[2]!]!;
}
