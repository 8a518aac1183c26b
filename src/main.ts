// Entry point: read the configuration, start the node, stop cleanly on SIGTERM/SIGINT.
import { ConfigError, readConfig } from './config.ts';
import { consoleLog } from './node/log.ts';
import { startNode } from './node/server.ts';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const running = await startNode(config, consoleLog);
  consoleLog('info', `node ${config.nodeId} listening on ${config.host}:${config.port}, difficulty ${config.difficulty}, peers [${running.node.peers.join(', ')}]`);

  const stop = (signal: string) => {
    consoleLog('info', `${signal} received, closing`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        consoleLog('error', `close failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  consoleLog('error', error instanceof ConfigError ? `bad configuration: ${error.message}` : String((error as Error)?.stack ?? error));
  process.exit(1);
});
