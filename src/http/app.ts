import Router from '@koa/router';
import Koa from 'koa';
import type { RequestListener } from 'node:http';
import type { ChainNode } from '../node/chain-node.ts';
import { refuseCrossSite } from './cross-site.ts';
import { errorHandler, reportErrors } from './errors.ts';
import type { Logger } from '../log/log.ts';
import { createMetrics } from './metrics.ts';
import { NODE_ID_HEADER, type PeerClient } from '../peers/peer-client.ts';
import { requestLog, requestRecorder, type RequestRecorder } from './request-log.ts';
import { transactionLane } from './transaction-lane.ts';
import { explorerRoutes } from '../explorer/routes.ts';
import { accountsRoutes } from './routes/accounts.ts';
import { gossipRoutes } from './routes/gossip.ts';
import { notebookRoutes } from './routes/notebook.ts';
import { operationsRoutes } from './routes/operations.ts';
import type { Lab } from '../lab/lab.ts';
import { labRoutes } from '../lab/routes.ts';
import { chainLabRoutes } from '../lab/chain-routes.ts';

export interface AppDeps {
  node: ChainNode;
  log: Logger;
  maxBodyBytes: number;
  /** MAX_PEER_RESPONSE_BYTES: what POST /lab/restore takes, a whole chain (maxBodyBytes without it). */
  maxSnapshotBytes?: number;
  /** MAX_BLOCK_BYTES: what the gossip routes take in one request (a block, or a batch filling one). */
  maxBlockBytes: number;
  /** MAX_EVENT_CLIENTS: most GET /events streams open at once. */
  maxEventClients: number;
  /** EVENT_BUFFER_BYTES: most bytes of events waiting for one /events client before it is cut off. */
  eventBufferBytes: number;
  /** How the explorer's GET /network asks the peers for their chains. */
  peerClient: PeerClient;
  /** How the node takes part in the network, as /health and the explorer show it; see NO_ROLE. */
  role?: NetworkRole;
  /** LAB=on: the fault lab's routes and its check of peers' requests (src/lab/routes.ts). */
  lab?: Lab;
}

/** How a node takes part in the network: what its page and /health say of it. */
export interface NetworkRole {
  gossip: boolean;
  /** How often a gossiping node syncs with its peers on its own (0: only when told). */
  syncIntervalMs: number;
  /** The `host:port` this node advertises to its peers: known once it listens. */
  address(): string | undefined;
}

/** The role of an app built without one (a test's): it does not gossip and knows no address of its own. */
export const NO_ROLE: NetworkRole = { gossip: false, syncIntervalMs: 0, address: () => undefined };

/**
 * The node's HTTP API: the reference's endpoints (routes/notebook.ts), what nodes say to each
 * other (routes/gossip.ts), the operators' (routes/operations.ts) and the explorer
 * (explorer/routes.ts); every request logged and timed, and none that would drive the node taken from
 * another site's page (cross-site.ts).
 */
export function createApp(deps: AppDeps): Koa {
  return assemble(deps).app;
}

/**
 * What a node's server runs: the app, with the transaction lane (transaction-lane.ts) in front of
 * it for the busiest route's plain requests, logged and counted by the app's own recorder.
 */
export function createRequestListener(deps: AppDeps): RequestListener {
  const { app, recorder } = assemble(deps);
  const { node, log, maxBodyBytes } = deps;
  const handle = app.callback();
  // Koa's handler answers every request, errors included: its promise never rejects.
  return transactionLane({ node, log, maxBodyBytes, recorder }, (req, res) => void handle(req, res));
}

function assemble(deps: AppDeps): { app: Koa; recorder: RequestRecorder } {
  const { node, log, role = NO_ROLE } = deps;
  const app = new Koa();
  const router = new Router();
  const metrics = createMetrics(node);
  // First, so that its check of peers' requests runs before the routes it guards.
  if (deps.lab !== undefined) labRoutes(router, { lab: deps.lab, maxBodyBytes: deps.maxBodyBytes });
  const { maxBodyBytes, maxSnapshotBytes } = deps;
  chainLabRoutes(router, { node, maxBodyBytes, maxSnapshotBytes, lab: deps.lab !== undefined, relay: deps.lab?.relay });
  notebookRoutes(router, deps);
  gossipRoutes(router, deps);
  operationsRoutes(router, { ...deps, role, metrics: metrics.registry });
  accountsRoutes(router, deps);
  explorerRoutes(router, { ...deps, role });

  // Every layer here runs on every request: each is a closure and a promise more per request, so
  // the log, the metrics and the node's id header share one, and those with nothing to do after
  // the rest pass it on without awaiting it.
  const recorder = requestRecorder(log, metrics.observeRequest, { [NODE_ID_HEADER]: node.nodeId });
  app.use(requestLog(recorder));
  app.use(errorHandler());
  app.use(refuseCrossSite((method, path) => router.match(path, method).pathAndMethod.map((layer) => String(layer.path))));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', reportErrors(log));
  return { app, recorder };
}

export interface Route {
  method: string;
  path: string;
}

/** Every method and path the app's routers answer; HEAD aside, which the router adds to each GET. */
export function routesOf(app: Koa): Route[] {
  return app.middleware.flatMap((middleware) => {
    // @koa/router marks its dispatch middleware with the router it serves.
    const { router } = middleware as { router?: Router };
    if (router === undefined) return [];
    return router.stack.flatMap((layer) =>
      layer.methods.filter((method) => method !== 'HEAD').map((method) => ({ method, path: String(layer.path) })),
    );
  });
}
