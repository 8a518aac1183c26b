// Entry point: read the configuration, start the node, stop cleanly on SIGTERM/SIGINT.
import { ConfigError, readConfig } from './config.ts';
import { createLogger, stdoutIn } from './log/log.ts';
import { startNode } from './server.ts';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const log = createLogger(config.logLevel, stdoutIn(config.logFormat, config.nodeId));
  const running = await startNode(config, log);
  const { nodeId, host, port, difficulty, powRule, gossip, dataDir } = config;
  const peers = running.node.peers;
  const stored = dataDir === undefined ? 'in memory only' : `in ${dataDir}`;
  log.info(
    { node_id: nodeId, host, port, difficulty, pow_rule: powRule, gossip, data_dir: dataDir ?? null, peers },
    `node ${nodeId} listening on ${host}:${port}, difficulty ${difficulty} (${powRule} rule), gossip ${gossip ? 'on' : 'off'}, chain kept ${stored}, peers [${peers.join(', ')}]`,
  );

  const stop = (signal: string) => {
    log.info({ signal }, `${signal} received, closing`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, `close failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // The configuration (and with it LOG_LEVEL) may be what failed: this logger always writes, in the
  // format asked for if that much is right.
  const pretty = process.env.LOG_FORMAT?.trim().toLowerCase() === 'pretty';
  const log = createLogger('info', stdoutIn(pretty ? 'pretty' : 'json', process.env.NODE_ID?.trim() || undefined));
  if (error instanceof ConfigError) log.fatal(`bad configuration: ${error.message}`);
  else log.fatal({ err: error }, `could not start: ${String(error)}`);
  process.exit(1);
});
