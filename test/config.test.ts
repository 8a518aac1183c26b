import { ConfigError, readConfig, VARIABLES } from '../src/config.ts';

/** One value for every variable, none of them its default. */
const EVERY_VARIABLE = {
  PORT: '5001',
  HOST: '127.0.0.1',
  NODE_ID: 'node2',
  PEERS: 'node1:5000, http://node3:5000',
  DIFFICULTY: '5',
  PEER_TIMEOUT_MS: '750',
  MAX_PEER_RESPONSE_BYTES: '2097152',
  PEER_DISCOVERY_MS: '0',
  MINING_THREADS: '3',
  MAX_BODY_BYTES: '4096',
  MAX_BLOCK_BYTES: '100000',
  MAX_PENDING: '10',
  MAX_PENDING_BYTES: '50000',
  MAX_PEERS: '32',
  MAX_CONNECTIONS: '50',
  MAX_EVENT_CLIENTS: '5',
  EVENT_BUFFER_BYTES: '70000',
  LOG_LEVEL: 'debug',
  LOG_FORMAT: 'pretty',
  POW_RULE: 'linked',
  TX_RULE: 'signed',
  MINER_ADDRESS: '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
  DATA_DIR: '/var/lib/chainlab',
  GOSSIP: 'off',
  SYNC_INTERVAL_MS: '0',
  ADVERTISE_ADDRESS: 'http://Node2.example:5001',
  LAB: 'on',
  MINING: 'interval:5',
};

describe('readConfig', () => {
  test('gives the documented defaults', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 5000,
      host: '0.0.0.0',
      peers: [],
      difficulty: 4,
      peerTimeoutMs: 2000,
      maxPeerResponseBytes: 67_108_864,
      peerDiscoveryMs: 5000,
      maxBodyBytes: 1_048_576,
      maxBlockBytes: 8_388_608,
      maxPending: 100_000,
      maxPendingBytes: 33_554_432,
      maxPeers: 64,
      maxConnections: 1024,
      maxEventClients: 100,
      eventBufferBytes: 1_048_576,
      logLevel: 'info',
      logFormat: 'json',
    });
    expect(config).toMatchObject({
      powRule: 'notebook',
      txRule: 'open',
      minerAddress: undefined,
      dataDir: undefined,
      gossip: true,
      syncIntervalMs: 2000,
      advertiseAddress: undefined,
      lab: false,
      mining: { mode: 'manual' },
    });
    expect(config.nodeId).toMatch(/^[0-9a-f]{32}$/);
    expect(config.miningThreads).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('reads every variable', () => {
    const config = readConfig(EVERY_VARIABLE);
    expect(config).toEqual({
      port: 5001,
      host: '127.0.0.1',
      nodeId: 'node2',
      peers: ['node1:5000', 'node3:5000'],
      difficulty: 5,
      peerTimeoutMs: 750,
      maxPeerResponseBytes: 2_097_152,
      peerDiscoveryMs: 0,
      miningThreads: 3,
      maxBodyBytes: 4096,
      maxBlockBytes: 100_000,
      maxPending: 10,
      maxPendingBytes: 50_000,
      maxPeers: 32,
      maxConnections: 50,
      maxEventClients: 5,
      eventBufferBytes: 70_000,
      logLevel: 'debug',
      logFormat: 'pretty',
      powRule: 'linked',
      txRule: 'signed',
      minerAddress: '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
      dataDir: '/var/lib/chainlab',
      gossip: false,
      syncIntervalMs: 0,
      advertiseAddress: 'node2.example:5001',
      lab: true,
      mining: { mode: 'interval', seconds: 5 },
    });
  });

  test.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['DIFFICULTY', 'six'],
    ['DIFFICULTY', '0'],
    ['PEER_TIMEOUT_MS', '-5'],
    ['MAX_PEER_RESPONSE_BYTES', '1048575'],
    ['MAX_PEER_RESPONSE_BYTES', '1073741825'],
    ['MINING_THREADS', '1.5'],
    ['PEER_DISCOVERY_MS', 'often'],
    ['NODE_ID', 'has space'],
    ['PEERS', 'node2'],
    ['PEERS', 'node2:5000,,node3:5000'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'warning'],
    ['LOG_FORMAT', 'text'],
    ['LOG_FORMAT', 'colour'],
    ['POW_RULE', 'fast'],
    ['GOSSIP', 'maybe'],
    ['GOSSIP', 'true'],
    ['SYNC_INTERVAL_MS', '-1'],
    ['SYNC_INTERVAL_MS', '3600001'],
    ['SYNC_INTERVAL_MS', '2s'],
    ['ADVERTISE_ADDRESS', 'not a host:port'],
    ['ADVERTISE_ADDRESS', 'node2'],
    ['ADVERTISE_ADDRESS', 'node2:0'],
    ['ADVERTISE_ADDRESS', 'https://node2:5000'],
    ['LAB', 'yes'],
    ['MINING', 'sometimes'],
    ['MINING', 'interval:0'],
    ['MINING', 'interval:3601'],
    ['MINING', 'interval'],
  ])('a bad %s (%s) stops the node with a message naming it', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(new RegExp(`^${name}`));
  });

  test("LOG_LEVEL takes any of pino's levels, in any case, and names them when it is wrong", () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      expect(readConfig({ LOG_LEVEL: level.toUpperCase() }).logLevel).toBe(level);
    }
    expect(() => readConfig({ LOG_LEVEL: 'loud' })).toThrow(
      "LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got 'loud'",
    );
  });

  test('LOG_FORMAT is json or pretty, in any case, and names them when it is wrong', () => {
    expect(readConfig({ LOG_FORMAT: 'Pretty' }).logFormat).toBe('pretty');
    expect(readConfig({ LOG_FORMAT: ' json ' }).logFormat).toBe('json');
    expect(() => readConfig({ LOG_FORMAT: 'text' })).toThrow("LOG_FORMAT must be one of json, pretty, got 'text'");
  });

  test('the new variables say what they take when they are wrong', () => {
    expect(() => readConfig({ POW_RULE: 'fast' })).toThrow("POW_RULE must be one of notebook, linked, got 'fast'");
    expect(() => readConfig({ GOSSIP: 'maybe' })).toThrow("GOSSIP must be one of on, off, got 'maybe'");
    expect(() => readConfig({ SYNC_INTERVAL_MS: '-1' })).toThrow("SYNC_INTERVAL_MS must be a whole number from 0 to 3600000, got '-1'");
    expect(() => readConfig({ ADVERTISE_ADDRESS: 'not a host:port' })).toThrow(
      "ADVERTISE_ADDRESS: expected http://host:port or host:port, got 'not a host:port'",
    );
  });

  test('POW_RULE and GOSSIP take any case; a blank DATA_DIR keeps the chain in memory', () => {
    expect(readConfig({ POW_RULE: 'Linked', GOSSIP: 'OFF' })).toMatchObject({ powRule: 'linked', gossip: false });
    expect(readConfig({ GOSSIP: 'on' }).gossip).toBe(true);
    expect(readConfig({ DATA_DIR: '  ' }).dataDir).toBeUndefined();
    expect(readConfig({ SYNC_INTERVAL_MS: '3600000' }).syncIntervalMs).toBe(3_600_000);
  });

  test('ADVERTISE_ADDRESS is kept in the form peers are registered under; without it, the node works one out once it listens', () => {
    expect(readConfig({ ADVERTISE_ADDRESS: 'http://Node7:5000' }).advertiseAddress).toBe('node7:5000');
    expect(readConfig({ ADVERTISE_ADDRESS: '10.0.0.7:5003', HOST: '0.0.0.0', PORT: '5000' }).advertiseAddress).toBe('10.0.0.7:5003');
    // The default needs the port actually listened on (PORT may be 0): node/server.ts gives it.
    expect(readConfig({ HOST: '10.0.0.7', PORT: '5003' }).advertiseAddress).toBeUndefined();
  });

  test('reads the variables in the order they are declared: the first bad one is the one named', () => {
    expect(() => readConfig({ ADVERTISE_ADDRESS: 'node2', PORT: 'http', GOSSIP: 'maybe' })).toThrow(/^PORT /);
    expect(() => readConfig({ ADVERTISE_ADDRESS: 'node2', GOSSIP: 'maybe' })).toThrow(/^GOSSIP /);
  });
});

describe('VARIABLES', () => {
  const variables = Object.values(VARIABLES);

  test('every variable has a name of its own and a description', () => {
    const names = variables.map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { name, description } of variables) {
      expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect({ name, description: description.trim() }).toEqual({ name, description: expect.stringMatching(/^\S.{10,}[.)]$/s) });
    }
  });

  test('every default is given, and a default written as a value reads as one', () => {
    for (const { name, default: fallback, parse } of variables) {
      if (typeof fallback === 'string') expect(() => parse(fallback, name)).not.toThrow();
      else expect(fallback.shown.trim()).not.toBe('');
    }
  });

  test('the test that reads every variable sets each one', () => {
    expect(Object.keys(EVERY_VARIABLE).sort()).toEqual(variables.map((variable) => variable.name).sort());
  });
});
