// Entry point: read the configuration, start the node, stop cleanly on SIGTERM/SIGINT.
import { ConfigError, readConfig } from './config.ts';
import { createLogger } from './node/log.ts';
import { startNode } from './node/server.ts';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const log = createLogger(config.logLevel);
  const running = await startNode(config, log);
  const { nodeId, host, port, difficulty } = config;
  const peers = running.node.peers;
  log.info({ node_id: nodeId, host, port, difficulty, peers }, `node ${nodeId} listening on ${host}:${port}, difficulty ${difficulty}, peers [${peers.join(', ')}]`);

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
  // The configuration (and with it LOG_LEVEL) may be what failed: this logger always writes.
  const log = createLogger('info');
  if (error instanceof ConfigError) log.fatal(`bad configuration: ${error.message}`);
  else log.fatal({ err: error }, `could not start: ${String(error)}`);
  process.exit(1);
});
