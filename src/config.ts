import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { levels, type LevelWithSilent } from 'pino';
import { POW_RULES, type PowRule } from './chain/proof-of-work.ts';
import { LOG_FORMATS, type LogFormat } from './log/log.ts';
import { parsePeerAddress } from './peers/peer-address.ts';

/** Everything the node reads from its environment, validated once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Recipient of this node's mining rewards. */
  readonly nodeId: string;
  /** Peers registered at start, as `host:port` (given as `node2:5000` or `http://node2:5000`). */
  readonly peers: readonly string[];
  /** Leading hex zeros a proof's hash needs. The reference hard-codes 4. */
  readonly difficulty: number;
  readonly peerTimeoutMs: number;
  /** How often PEERS names are looked up again in DNS (0: never); see node/peer-discovery.ts. */
  readonly peerDiscoveryMs: number;
  readonly miningThreads: number;
  readonly maxBodyBytes: number;
  /** What a proof covers: the notebook's rule (the default) or `linked`; see chain/proof-of-work.ts. */
  readonly powRule: PowRule;
  /** Where the chain and pending pool are kept across restarts; undefined keeps them in memory only. */
  readonly dataDir: string | undefined;
  /**
   * Whether the node spreads blocks and transactions, syncs on its own and introduces itself to its
   * peers. Off, it behaves as the notebook's node: nothing moves until /nodes/resolve is called.
   */
  readonly gossip: boolean;
  /** How often the node asks its peers for their tips and catches up (0: only when told). */
  readonly syncIntervalMs: number;
  /**
   * The `host:port` under which peers reach this node, sent when it introduces itself. Undefined:
   * the host name (a container's, in Docker) or, when HOST is a specific address, that address,
   * with the port the node listens on (see node/server.ts).
   */
  readonly advertiseAddress: string | undefined;
  /** The least severe log level written: one of pino's levels, or 'silent'. */
  readonly logLevel: LevelWithSilent;
  /** `json`, one JSON object a line (the default, for log collectors), or `pretty`, one plain line for a person. */
  readonly logFormat: LogFormat;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration; throws a ConfigError naming the first bad variable. */
export function readConfig(env: Env): Config {
  return Object.freeze({
    port: integer(env, 'PORT', 5000, 0, 65535),
    host: text(env, 'HOST', '0.0.0.0'),
    nodeId: text(env, 'NODE_ID', randomUUID().replaceAll('-', '')),
    peers: Object.freeze(peers(env, 'PEERS')),
    difficulty: integer(env, 'DIFFICULTY', 4, 1, 16),
    peerTimeoutMs: integer(env, 'PEER_TIMEOUT_MS', 2000, 1, 600_000),
    peerDiscoveryMs: integer(env, 'PEER_DISCOVERY_MS', 5000, 0, 3_600_000),
    miningThreads: integer(env, 'MINING_THREADS', availableParallelism(), 1, 256),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_048_576, 1, 1_073_741_824),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', LOG_FORMATS, 'json'),
    powRule: oneOf(env, 'POW_RULE', POW_RULES, 'notebook'),
    dataDir: raw(env, 'DATA_DIR'),
    gossip: oneOf(env, 'GOSSIP', ['on', 'off'], 'on') === 'on',
    syncIntervalMs: integer(env, 'SYNC_INTERVAL_MS', 2000, 0, 3_600_000),
    advertiseAddress: advertiseAddress(env, 'ADVERTISE_ADDRESS'),
  });
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const value = raw(env, name)?.toLowerCase() ?? fallback;
  if (!values.includes(value as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got '${value}'`);
  return value as T;
}

function advertiseAddress(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  const verdict = parsePeerAddress(value);
  if (!verdict.ok) throw new ConfigError(`${name}: ${verdict.reason}`);
  return verdict.value;
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

function text(env: Env, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new ConfigError(`${name} must be printable ASCII without spaces, got '${value}'`);
  }
  return value;
}

const LOG_LEVELS: readonly LevelWithSilent[] = [...(Object.keys(levels.values) as LevelWithSilent[]), 'silent'];

function list(env: Env, name: string): string[] {
  const value = raw(env, name);
  if (value === undefined) return [];
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new ConfigError(`${name} must be a comma-separated list without empty entries, got '${value}'`);
  }
  return items;
}

function peers(env: Env, name: string): string[] {
  return list(env, name).map((entry) => {
    const verdict = parsePeerAddress(entry);
    if (!verdict.ok) throw new ConfigError(`${name}: ${verdict.reason}`);
    return verdict.value;
  });
}
