import type { Histogram, Metric, Registry } from 'prom-client';
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

/** What is read of a node's prom-client registry, which is built when first read. */
export type MetricsRegistry = Pick<Registry, 'contentType' | 'metrics' | 'getMetricsAsArray'>;

export interface Metrics {
  /** This node's metrics alone: several nodes in one process (the tests) must not share counts. */
  registry: MetricsRegistry;
  /** Counts every request by its duration; requestLog calls it, outside the error middleware, so it sees the status sent. */
  observeRequest: RequestObserver;
}

/** A proof takes about a millisecond at DIFFICULTY 3 and up to a minute at 7. */
const MINING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Most requests take well under a millisecond; /mine and /nodes/resolve take as long as mining and peers do. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the node's events have counted since it started, scraped or not. */
interface ChainCounts {
  blocksMined: number;
  blocksReceived: number;
  replacements: number;
  /** By peer, in the order each first failed: the order prom-client lists its series in. */
  peerFailures: Map<string, number>;
}

/**
 * The node's Prometheus metrics, on a registry of its own: the chain's from the node's events and
 * state, the HTTP API's from `httpMiddleware`, and prom-client's default process metrics. Its
 * listeners stay on the node until the node closes.
 *
 * prom-client (and the @opentelemetry/api it loads) costs a node a megabyte or two of memory from
 * its start, most of it never used where nothing scrapes. So the node counts in plain numbers from
 * its start, and prom-client is loaded, and its registry built from those numbers, only when the
 * registry is first read (the first GET /metrics): the text served is the same.
 */
export function createMetrics(node: MetricsSource): Metrics {
  const counts: ChainCounts = { blocksMined: 0, blocksReceived: 0, replacements: 0, peerFailures: new Map() };
  // Proof times wait here until the first scrape gives them to prom-client's Histogram, which then
  // takes each as it comes: one number per block mined, far less than the block the chain keeps.
  const unscrapedMiningSeconds: number[] = [];
  let miningSeconds: Histogram | undefined;
  const unsubscribe = subscribe(node.events, {
    mined: ({ miningMs }) => {
      counts.blocksMined += 1;
      if (miningSeconds === undefined) unscrapedMiningSeconds.push(miningMs / 1000);
      else miningSeconds.observe(miningMs / 1000);
    },
    appended: () => (counts.blocksReceived += 1),
    replaced: () => (counts.replacements += 1),
    peerFailure: ({ node: peer }) => counts.peerFailures.set(peer, (counts.peerFailures.get(peer) ?? 0) + 1),
    closed: () => unsubscribe(),
  });
  const requestSeconds = new RequestHistogram(
    'chainlab_http_request_duration_seconds',
    'Time to answer each HTTP request, by method, route template and status.',
  );

  // Loaded with require, not import(): the registry answers synchronously (getMetricsAsArray, contentType), as prom-client's does.
  let registry: Registry | undefined;
  const load = (): Registry => {
    if (registry !== undefined) return registry;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazy load is the point
    const built = buildRegistry(require('prom-client') as typeof import('prom-client'), node, counts, requestSeconds);
    miningSeconds = built.miningSeconds;
    for (const seconds of unscrapedMiningSeconds.splice(0)) miningSeconds.observe(seconds);
    return (registry = built.registry);
  };
  return {
    registry: {
      get contentType() {
        return load().contentType;
      },
      metrics: () => load().metrics(),
      getMetricsAsArray: () => load().getMetricsAsArray(),
    },
    observeRequest: (method, route, status, seconds) => requestSeconds.observe(method, route, status, seconds),
  };
}

/**
 * prom-client's registry for one node, its metrics in the order they have always been listed.
 * Counters and gauges read the node's counts and state when scraped, so they can never drift from them.
 *
 * collectDefaultMetrics starts here, at the first scrape, not at the node's start. What it reads
 * when scraped (CPU, memory, heap, handles, file descriptors, start time, versions) is the same;
 * what it watches from the moment it is called is not: `nodejs_gc_duration_seconds` counts only
 * the collections since the first scrape (its first has no series yet, unless one ran while it was
 * taken), and the `nodejs_eventloop_lag_*` statistics, which prom-client resets at each scrape
 * anyway, cover nothing on the first.
 */
function buildRegistry(
  prom: typeof import('prom-client'),
  node: MetricsSource,
  counts: ChainCounts,
  requestSeconds: RequestHistogram,
): { registry: Registry; miningSeconds: Histogram } {
  const registry = new prom.Registry();
  const registers = [registry];
  prom.collectDefaultMetrics({ register: registry });
  new prom.Gauge({
    name: 'chainlab_chain_length',
    help: "Blocks in this node's chain, the genesis block included.",
    registers,
    collect() {
      this.set(node.chain.length);
    },
  });
  new prom.Gauge({
    name: 'chainlab_transactions_pending',
    help: 'Transactions waiting for the next block.',
    registers,
    collect() {
      this.set(node.pending.length);
    },
  });
  counter(prom, registers, 'chainlab_blocks_mined_total', 'Blocks this node has mined.', () => counts.blocksMined);
  const miningSeconds = new prom.Histogram({
    name: 'chainlab_mining_duration_seconds',
    help: 'Time the proof-of-work search took for each block this node mined.',
    buckets: MINING_BUCKETS,
    registers,
  });
  counter(
    prom,
    registers,
    'chainlab_blocks_received_total',
    "Blocks announced by a peer that extended this node's chain.",
    () => counts.blocksReceived,
  );
  counter(
    prom,
    registers,
    'chainlab_chain_replacements_total',
    "Times this node adopted a peer's longer chain.",
    () => counts.replacements,
  );
  new prom.Counter({
    name: 'chainlab_peer_failures_total',
    help: 'Peers skipped during a resolve or sync: down, slow, or serving an invalid chain.',
    labelNames: ['peer'] as const,
    registers,
    collect() {
      this.reset();
      for (const [peer, failures] of counts.peerFailures) this.inc({ peer }, failures);
    },
  });
  registry.registerMetric(requestSeconds as unknown as Metric);
  return { registry, miningSeconds };
}

/** A counter without labels that reads its value from `read` when scraped. */
function counter(prom: typeof import('prom-client'), registers: Registry[], name: string, help: string, read: () => number): void {
  new prom.Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
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
