import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { EventEmitter } from 'node:events';
import type { Block, Transaction } from '../chain/block.ts';
import { subscribe, type NodeEvents } from '../node/node-events.ts';
import type { RequestObserver } from './request-log.ts';

/** What the metrics read of the node: its events, and its chain and pool when scraped. */
export interface MetricsSource {
  readonly events: EventEmitter<NodeEvents>;
  readonly chain: readonly Block[];
  readonly pending: readonly Transaction[];
}

export interface Metrics {
  /** This node's metrics alone: several nodes in one process (the tests) must not share counts. */
  registry: Registry;
  /** Counts every request by its duration; requestLog calls it, outside the error middleware, so it sees the status sent. */
  observeRequest: RequestObserver;
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

  const requestSeconds = new RequestHistogram(
    'chainlab_http_request_duration_seconds',
    'Time to answer each HTTP request, by method, route template and status.',
  );
  registry.registerMetric(requestSeconds as unknown as Metric);
  return { registry, observeRequest: (method, route, status, seconds) => requestSeconds.observe(method, route, status, seconds) };
}

interface Sample {
  labels: Record<string, string | number>;
  sharedLabels: Series['labels'];
  value: number;
  metricName: string;
  /** Always none: exemplars are not enabled, as prom-client writes it. */
  exemplar?: null;
}

interface MetricData<T> {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: T[];
}

interface Series {
  labels: { method: string; route: string; status: number };
  /** Requests per bucket, not cumulative; the last counts those above every bound. */
  counts: number[];
  sum: number;
}

/**
 * A histogram of request durations by method, route and status, served as prom-client's Histogram
 * serves one (same name, labels, buckets and text). prom-client's own costs several microseconds
 * per observation (label objects copied, validated and hashed, buckets looked up by their name as a
 * string): on POST /transactions/new that was a tenth of the request. Here an observation is one
 * Map lookup and a scan of numbers. The routes are templates and Node's parser knows only so many
 * methods, so the series are bounded.
 */
export class RequestHistogram {
  readonly type = 'histogram';
  readonly labelNames = ['method', 'route', 'status'] as const;
  readonly buckets = HTTP_BUCKETS;
  readonly aggregator = 'sum';
  readonly #series = new Map<string, Series>();
  readonly name: string;
  readonly help: string;

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels: { method, route, status }, counts: new Array<number>(HTTP_BUCKETS.length + 1).fill(0), sum: 0 };
      this.#series.set(key, series);
    }
    let bucket = 0;
    while (bucket < HTTP_BUCKETS.length && seconds > HTTP_BUCKETS[bucket]!) bucket++;
    series.counts[bucket]! += 1;
    series.sum += seconds;
  }

  /** As prom-client's Histogram has it for JSON: each sample with all its labels. */
  get(): MetricData<object> {
    const data = this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, ...sample }) => ({ ...sample, labels: { ...labels, ...sharedLabels } })),
    };
  }

  /** The samples as prom-client's Registry formats them: cumulative buckets, `+Inf`, sum and count per series. */
  getForPromString(): MetricData<Sample> {
    const values: Sample[] = [];
    for (const { labels, counts, sum } of this.#series.values()) {
      let cumulative = 0;
      HTTP_BUCKETS.forEach((le, i) => {
        cumulative += counts[i]!;
        values.push({ labels: { le }, sharedLabels: labels, value: cumulative, metricName: `${this.name}_bucket`, exemplar: null });
      });
      const count = cumulative + counts[HTTP_BUCKETS.length]!;
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: `${this.name}_bucket`, exemplar: null });
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}
