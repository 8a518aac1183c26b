import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventEmitter } from 'node:events';
import type { Block, Transaction } from '../chain/block.ts';
import { subscribe, type NodeEvents } from '../node/node-events.ts';
import { routeOf } from './request-log.ts';

/** What the metrics read of the node: its events, and its chain and pool when scraped. */
export interface MetricsSource {
  readonly events: EventEmitter<NodeEvents>;
  readonly chain: readonly Block[];
  readonly pending: readonly Transaction[];
}

export interface Metrics {
  /** This node's metrics alone: several nodes in one process (the tests) must not share counts. */
  registry: Registry;
  /** Times every request; goes outside the error middleware, so it sees the status sent. */
  httpMiddleware: Middleware;
}

/** A proof takes about a millisecond at DIFFICULTY 3 and up to a minute at 7. */
const MINING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Most requests take well under a millisecond; /mine and /nodes/resolve take as long as mining and peers do. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The node's Prometheus metrics, on a registry of its own: the chain's from the node's events and
 * state, the HTTP API's from `httpMiddleware`, and prom-client's default process metrics. Its
 * listeners stay on the node until the node closes.
 */
export function createMetrics(node: MetricsSource): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  // Gauges are read when scraped, so they can never drift from the node's state.
  new Gauge({
    name: 'chainlab_chain_length',
    help: "Blocks in this node's chain, the genesis block included.",
    registers,
    collect() {
      this.set(node.chain.length);
    },
  });
  new Gauge({
    name: 'chainlab_transactions_pending',
    help: 'Transactions waiting for the next block.',
    registers,
    collect() {
      this.set(node.pending.length);
    },
  });

  const blocksMined = new Counter({ name: 'chainlab_blocks_mined_total', help: 'Blocks this node has mined.', registers });
  const miningSeconds = new Histogram({
    name: 'chainlab_mining_duration_seconds',
    help: 'Time the proof-of-work search took for each block this node mined.',
    buckets: MINING_BUCKETS,
    registers,
  });
  const blocksReceived = new Counter({
    name: 'chainlab_blocks_received_total',
    help: "Blocks announced by a peer that extended this node's chain.",
    registers,
  });
  const replacements = new Counter({
    name: 'chainlab_chain_replacements_total',
    help: "Times this node adopted a peer's longer chain.",
    registers,
  });
  const peerFailures = new Counter({
    name: 'chainlab_peer_failures_total',
    help: 'Peers skipped during a resolve or sync: down, slow, or serving an invalid chain.',
    labelNames: ['peer'] as const,
    registers,
  });
  const unsubscribe = subscribe(node.events, {
    mined: ({ miningMs }) => {
      blocksMined.inc();
      miningSeconds.observe(miningMs / 1000);
    },
    appended: () => blocksReceived.inc(),
    replaced: () => replacements.inc(),
    peerFailure: ({ node: peer }) => peerFailures.inc({ peer }),
    closed: () => unsubscribe(),
  });

  const requestSeconds = new Histogram({
    name: 'chainlab_http_request_duration_seconds',
    help: 'Time to answer each HTTP request, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const httpMiddleware: Middleware = async (ctx, next) => {
    const stop = requestSeconds.startTimer();
    try {
      await next();
    } finally {
      // Node's HTTP parser accepts only the methods it knows, so `method` is bounded too.
      stop({ method: ctx.method, route: routeOf(ctx), status: ctx.status });
    }
  };

  return { registry, httpMiddleware };
}
