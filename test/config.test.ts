import { ConfigError, readConfig } from '../src/config.ts';

describe('readConfig', () => {
  test('gives the documented defaults', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 5000, host: '0.0.0.0', peers: [], difficulty: 4, peerTimeoutMs: 2000, peerDiscoveryMs: 5000, maxBodyBytes: 1_048_576, logLevel: 'info' });
    expect(config.nodeId).toMatch(/^[0-9a-f]{32}$/);
    expect(config.miningThreads).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('reads every variable', () => {
    const config = readConfig({
      PORT: '5001',
      HOST: '127.0.0.1',
      NODE_ID: 'node2',
      PEERS: 'node1:5000, http://node3:5000',
      DIFFICULTY: '5',
      PEER_TIMEOUT_MS: '750',
      PEER_DISCOVERY_MS: '0',
      MINING_THREADS: '3',
      MAX_BODY_BYTES: '4096',
      LOG_LEVEL: 'debug',
    });
    expect(config).toEqual({
      port: 5001,
      host: '127.0.0.1',
      nodeId: 'node2',
      peers: ['node1:5000', 'node3:5000'],
      difficulty: 5,
      peerTimeoutMs: 750,
      peerDiscoveryMs: 0,
      miningThreads: 3,
      maxBodyBytes: 4096,
      logLevel: 'debug',
    });
  });

  test.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['DIFFICULTY', 'six'],
    ['DIFFICULTY', '0'],
    ['PEER_TIMEOUT_MS', '-5'],
    ['MINING_THREADS', '1.5'],
    ['PEER_DISCOVERY_MS', 'often'],
    ['NODE_ID', 'has space'],
    ['PEERS', 'node2'],
    ['PEERS', 'node2:5000,,node3:5000'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'warning'],
  ])('a bad %s (%s) stops the node with a message naming it', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(new RegExp(`^${name}`));
  });

  test('LOG_LEVEL takes any of pino\'s levels, in any case, and names them when it is wrong', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      expect(readConfig({ LOG_LEVEL: level.toUpperCase() }).logLevel).toBe(level);
    }
    expect(() => readConfig({ LOG_LEVEL: 'loud' })).toThrow("LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got 'loud'");
  });
});
