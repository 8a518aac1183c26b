import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { levels, type LevelWithSilent } from 'pino';
import { POW_RULES, type PowRule } from './chain/proof-of-work.ts';
import { ADDRESS, TX_RULES, type TxRule } from './chain/signed-rules.ts';
import { LOG_FORMATS, type LogFormat } from './log/log.ts';
import { parsePeerAddress } from './peers/peer-address.ts';
import { parseMiningMode, type MiningMode } from './node/mining-schedule.ts';

/**
 * Everything the node reads from its environment, validated once at start. What each field means
 * is said once, in VARIABLES below (and from there in docs/configuration.md).
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly nodeId: string;
  /** As `host:port`, however they were given. */
  readonly peers: readonly string[];
  readonly difficulty: number;
  readonly peerTimeoutMs: number;
  readonly maxPeerResponseBytes: number;
  readonly peerDiscoveryMs: number;
  readonly miningThreads: number;
  readonly maxBodyBytes: number;
  readonly maxBlockBytes: number;
  readonly maxPending: number;
  readonly maxPendingBytes: number;
  readonly maxPeers: number;
  readonly maxConnections: number;
  readonly maxEventClients: number;
  readonly eventBufferBytes: number;
  readonly logLevel: LevelWithSilent;
  readonly logFormat: LogFormat;
  readonly powRule: PowRule;
  readonly txRule: TxRule;
  /** Undefined: under TX_RULE=signed, server.ts uses a key the node generates (see miner-key.ts). */
  readonly minerAddress: string | undefined;
  /** Undefined: the chain and the pending pool are kept in memory only. */
  readonly dataDir: string | undefined;
  readonly gossip: boolean;
  /** 0: only when told (GET /nodes/resolve). */
  readonly syncIntervalMs: number;
  /** Undefined: server.ts works it out once the node listens, since the port may be PORT=0's pick. */
  readonly advertiseAddress: string | undefined;
  /** When the node mines on its own; POST /lab/mining switches it. */
  readonly mining: MiningMode;
  readonly lab: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads a set, trimmed, non-blank value; throws a ConfigError whose message starts with `name`. */
type Parse<T> = (value: string, name: string) => T;

/** One environment variable: its name, its default, how it is read, and what it means. */
export interface Variable<T> {
  readonly name: string;
  /**
   * What an unset or blank variable stands for: a value as one would set it (read like one, and
   * shown as is in the docs), or one worked out at start, with what the docs say of it.
   */
  readonly default: string | { readonly shown: string; readonly value: () => T };
  readonly parse: Parse<T>;
  /** Markdown, rendered into docs/configuration.md: links are relative to docs/. */
  readonly description: string;
}

/**
 * Every variable the node reads, in the order it reads them (so the first bad one is the one
 * reported) and documents them. tools/docs/configuration.ts renders this table.
 */
export const VARIABLES: { readonly [K in keyof Config]: Variable<Config[K]> } = {
  port: { name: 'PORT', default: '5000', parse: integer(0, 65535), description: 'Port to listen on (`0`: any free port).' },
  host: { name: 'HOST', default: '0.0.0.0', parse: text, description: 'Address to listen on.' },
  nodeId: {
    name: 'NODE_ID',
    default: { shown: 'a random 32-hex-digit id', value: () => randomUUID().replaceAll('-', '') },
    parse: text,
    description:
      "Who receives this node's mining rewards. The node answers every request with it (`X-Chainlab-Node-Id`), so it can recognise itself among its peers.",
  },
  peers: {
    name: 'PEERS',
    default: { shown: 'none', value: () => Object.freeze([]) },
    parse: peers,
    description:
      'Comma-separated peers registered at start: `node2:5000,http://node3:5000`. A name may be a service: see `PEER_DISCOVERY_MS`.',
  },
  difficulty: {
    name: 'DIFFICULTY',
    default: '4',
    parse: integer(1, 16),
    description:
      "Leading hex zeros a proof's hash needs (1-16). Every node of a network must use the same; the original node is fixed at 4. Each extra zero makes mining 16 times slower.",
  },
  peerTimeoutMs: {
    name: 'PEER_TIMEOUT_MS',
    default: '2000',
    parse: integer(1, 600_000),
    description: 'Time allowed to one peer for its whole answer: a resolve, a sync, an announcement.',
  },
  maxPeerResponseBytes: {
    name: 'MAX_PEER_RESPONSE_BYTES',
    default: '67108864',
    parse: integer(1_048_576, 1_073_741_824),
    description:
      'Largest answer the node reads from a peer, a whole chain included: a peer sending more is cut off, and skipped by syncs for a while, as is one whose answer is invalid. Chainlab nodes catch up with `?from=N`, only the blocks they lack; a node that must fetch a longer chain whole (a reference node, or a fork from early on) needs a larger value.',
  },
  peerDiscoveryMs: {
    name: 'PEER_DISCOVERY_MS',
    default: '5000',
    parse: integer(0, 3_600_000),
    description:
      "How often the host names in `PEERS` are looked up again in DNS; `0` never. A name that resolves to several addresses (a scaled service) stands for all of them, so replicas that come and go are followed; the node's own address is skipped.",
  },
  miningThreads: {
    name: 'MINING_THREADS',
    default: { shown: 'the number of cores', value: availableParallelism },
    parse: integer(1, 256),
    description: 'Worker threads searching for proofs.',
  },
  maxBodyBytes: {
    name: 'MAX_BODY_BYTES',
    default: '1048576',
    parse: integer(1, 1_073_741_824),
    description:
      'Largest request body a client may send. `/gossip/*` bodies, which carry a block or a batch of transactions, may be `MAX_BLOCK_BYTES` + 64 KiB.',
  },
  maxBlockBytes: {
    name: 'MAX_BLOCK_BYTES',
    default: '8388608',
    parse: integer(65_536, 268_435_456),
    description:
      'Largest block, as JSON, that the node mines or takes from a peer. A block holds the pending transactions that fit, oldest first; the rest wait for the next. A transaction too large for any block is refused with 413. Every node of a network should use the same.',
  },
  maxPending: {
    name: 'MAX_PENDING',
    default: '100000',
    parse: integer(1, 10_000_000),
    description: 'Most transactions the pending pool holds. A new one beyond it is refused with 429 until a block is mined.',
  },
  maxPendingBytes: {
    name: 'MAX_PENDING_BYTES',
    default: '33554432',
    parse: integer(1024, 1_073_741_824),
    description:
      'Most bytes of JSON the pending pool holds. A transaction that would take it past this is refused with 429 until a block is mined.',
  },
  maxPeers: {
    name: 'MAX_PEERS',
    default: '64',
    parse: integer(1, 4096),
    description:
      'Most peers the node keeps. When full, a new peer takes the place of one that has not answered for a while; with none such it is refused with 429. A scaled service of 24 replicas is a full mesh of 23 peers each.',
  },
  maxConnections: {
    name: 'MAX_CONNECTIONS',
    default: '1024',
    parse: integer(16, 1_000_000),
    description:
      "Most client and peer connections open at once; one more is closed as it arrives, so idle sockets cannot use up the node's file descriptors. A request must arrive whole within 30 s, its headers within 10 s.",
  },
  maxEventClients: {
    name: 'MAX_EVENT_CLIENTS',
    default: '100',
    parse: integer(1, 100_000),
    description: 'Most explorer pages (`GET /events` streams) open at once; one more is refused with 429.',
  },
  eventBufferBytes: {
    name: 'EVENT_BUFFER_BYTES',
    default: '1048576',
    parse: integer(65_536, 268_435_456),
    description:
      'Most bytes of events waiting to be read by one `/events` client. A client that falls further behind is cut off; its page reconnects and starts afresh.',
  },
  logLevel: {
    name: 'LOG_LEVEL',
    default: 'info',
    parse: oneOf<LevelWithSilent>([...(Object.keys(levels.values) as LevelWithSilent[]), 'silent']),
    description:
      'Least severe log level written: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`. `warn` keeps the peer failures and errors but not the request lines. See [logs.md](logs.md).',
  },
  logFormat: {
    name: 'LOG_FORMAT',
    default: 'json',
    parse: oneOf(LOG_FORMATS),
    description:
      '`json` (one JSON object per line, for log collectors) or `pretty` (one readable line per record: time, level, node, message, other fields as `key=value`).',
  },
  powRule: {
    name: 'POW_RULE',
    default: 'notebook',
    parse: oneOf(POW_RULES),
    description:
      "What a proof covers: `notebook` (the previous proof) or `linked` (also the previous block's hash); see [the proof of work flaw](../README.md#the-proof-of-work-flaw-as-a-lesson). Every node of a network must use the same.",
  },
  txRule: {
    name: 'TX_RULE',
    default: 'open',
    parse: oneOf(TX_RULES),
    description:
      "Who may spend what: `open` (the notebook's: anyone sends anyone's coins) or `signed` (an address is an Ed25519 public key, every transaction is signed by its sender, numbered by a nonce and covered by the sender's balance); see [Signed transactions](../README.md#signed-transactions). Every node of a network must use the same.",
  },
  minerAddress: {
    name: 'MINER_ADDRESS',
    default: { shown: 'a key the node generates (kept in `DATA_DIR`)', value: () => undefined },
    parse: minerAddress,
    description:
      "With `TX_RULE=signed`: the address (64 hex digits, a raw Ed25519 public key) this node's mining rewards go to. Unset: the node generates a key and keeps it in `DATA_DIR/miner-key.pem`, readable by its owner only (in memory only without `DATA_DIR`). With `TX_RULE=open` rewards go to `NODE_ID`.",
  },
  dataDir: {
    name: 'DATA_DIR',
    default: { shown: 'none: memory only', value: () => undefined },
    parse: (value) => value,
    description:
      'Directory where the node keeps its chain and pending pool (`chain.log`), so they survive a restart or a crash. Created if missing.',
  },
  gossip: {
    name: 'GOSSIP',
    default: 'on',
    parse: (value, name) => oneOf(['on', 'off'])(value, name) === 'on',
    description:
      "`off`: the notebook's behaviour. The node announces nothing, passes on no transaction, introduces itself to nobody and syncs only when `/nodes/resolve` is called. It still answers its peers.",
  },
  syncIntervalMs: {
    name: 'SYNC_INTERVAL_MS',
    default: '2000',
    parse: integer(0, 3_600_000),
    description: 'How often a node asks its peers for their tips and catches up, with gossip on; `0` never (announcements still work).',
  },
  advertiseAddress: {
    name: 'ADVERTISE_ADDRESS',
    default: { shown: 'the host name, or `HOST` when it is a specific address, with `PORT`', value: () => undefined },
    parse: peerAddress,
    description: 'The `host:port` under which peers reach this node, sent when it introduces itself. Compose sets `node1:5000` and so on.',
  },
  mining: {
    name: 'MINING',
    default: 'manual',
    parse: miningMode,
    description:
      "When the node mines on its own: `manual` (only when `/mine` is called, the notebook's), `interval:N` (a block every N seconds, 1-3600, Anvil's `--block-time`) or `on-transaction` (a block soon after a transaction joins the pool). With `LAB=on`, `POST /lab/mining` switches it; a restart goes back to this.",
  },
  lab: {
    name: 'LAB',
    default: 'off',
    parse: (value, name) => oneOf(['on', 'off'])(value, name) === 'on',
    description:
      "`on`: the fault lab's `/lab/*` routes (partitions, link delay and loss, pausing), with which anyone who reaches the node can cut it off from its peers; Compose sets it for its three nodes. `off`: every `/lab/*` path answers 404. See [api.md](api.md#lab).",
  },
};

/** Reads and validates the configuration; throws a ConfigError naming the first bad variable. */
export function readConfig(env: Env): Config {
  return Object.freeze(readAll(env, VARIABLES));
}

function readAll<C>(env: Env, variables: { readonly [K in keyof C]: Variable<C[K]> }): C {
  const values = {} as C; // every field is set below: `variables` has one entry per field
  for (const field in variables) values[field] = read(env, variables[field]);
  return values;
}

function read<T>(env: Env, { name, default: fallback, parse }: Variable<T>): T {
  const value = env[name]?.trim();
  if (value !== undefined && value !== '') return parse(value, name);
  return typeof fallback === 'string' ? parse(fallback, name) : fallback.value();
}

function integer(min: number, max: number): Parse<number> {
  return (value, name) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got '${value}'`);
    }
    return Number(value);
  };
}

function oneOf<T extends string>(values: readonly T[]): Parse<T> {
  return (value, name) => {
    const lower = value.toLowerCase();
    if (!values.includes(lower as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got '${lower}'`);
    return lower as T;
  };
}

function text(value: string, name: string): string {
  if (!/^[\x21-\x7e]+$/.test(value)) throw new ConfigError(`${name} must be printable ASCII without spaces, got '${value}'`);
  return value;
}

function peers(value: string, name: string): readonly string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new ConfigError(`${name} must be a comma-separated list without empty entries, got '${value}'`);
  }
  return Object.freeze(items.map((item) => peerAddress(item, name)));
}

function miningMode(value: string, name: string): MiningMode {
  const verdict = parseMiningMode(value);
  if (!verdict.ok) throw new ConfigError(`${name} ${verdict.reason}`);
  return verdict.value;
}

function minerAddress(value: string, name: string): string {
  if (!ADDRESS.test(value))
    throw new ConfigError(`${name} must be an address, 64 lowercase hex digits (a raw Ed25519 public key), got '${value}'`);
  return value;
}

function peerAddress(value: string, name: string): string {
  const verdict = parsePeerAddress(value);
  if (!verdict.ok) throw new ConfigError(`${name}: ${verdict.reason}`);
  return verdict.value;
}
