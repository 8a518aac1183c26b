import { EventEmitter } from 'node:events';
import { createMetrics, type MetricsSource } from '../../src/http/metrics.ts';
import type { NodeEvents } from '../../src/node/node-events.ts';

/** The metrics' own prefix: prom-client's default metrics (process_*, nodejs_*) vary by platform and version. */
const PREFIX = 'chainlab_';

/** What each label's values are: prom-client knows only the labels' names. */
export const LABELS: Readonly<Record<string, string>> = {
  peer: 'the peer, as `host:port`',
  method: 'the request method',
  route: "the route's template (`/nodes/resolve`), never the raw path; `unmatched` for anything without a route",
  status: 'the status answered',
};

/**
 * What prom-client keeps on each metric: its constructor assigns the metric's configuration onto
 * it. (Its typings declare `type` as a numeric enum; at run time it is the Prometheus type's name.)
 */
interface MetricShape {
  name: string;
  help: string;
  type: string;
  labelNames?: readonly string[];
  buckets?: readonly number[];
}

/** docs/metrics.md: the metrics GET /metrics serves, read from a registry made by createMetrics. */
export function metricsMarkdown(): string {
  const metrics = chainlabMetrics();
  const histograms = metrics.filter((metric) => metric.buckets !== undefined);
  const labels = [...new Set(metrics.flatMap((metric) => metric.labelNames ?? []))];
  return [
    '<!-- Generated from src/http/metrics.ts by `npm run docs`: edit the metrics there, not this file. -->',
    '',
    '# Metrics',
    '',
    "`GET /metrics` serves a node's metrics in Prometheus text format: prom-client's default process metrics (`process_*`, `nodejs_*`) and these.",
    'Each node has a registry of its own. Gauges are read when scraped, so they always match the node.',
    '',
    '| Metric | Type | Labels | What |',
    '| --- | --- | --- | --- |',
    ...metrics.map(
      ({ name, type, help, labelNames = [] }) =>
        `| \`${name}\` | ${type} | ${labelNames.map((label) => `\`${label}\``).join(', ')} | ${cell(help)} |`,
    ),
    '',
    '## Labels',
    '',
    ...labels.map((label) => `- \`${label}\`: ${labelNote(label)}.`),
    '',
    '## Histogram buckets',
    '',
    'Upper bounds, in seconds:',
    '',
    ...histograms.map(({ name, buckets = [] }) => `- \`${name}\`: ${buckets.join(', ')}`),
    '',
  ].join('\n');
}

function chainlabMetrics(): MetricShape[] {
  // The metrics subscribe to the node's events and read its chain and pool only when scraped: an
  // empty node builds the same registry, and nothing is scraped here.
  const node: MetricsSource = { events: new EventEmitter<NodeEvents>(), chain: [], pending: [] };
  const { registry } = createMetrics(node);
  return (registry.getMetricsAsArray() as unknown as MetricShape[]).filter((metric) => metric.name.startsWith(PREFIX));
}

function labelNote(label: string): string {
  const note = LABELS[label];
  if (note === undefined) throw new Error(`metric label '${label}' has no description: add it to LABELS in tools/docs/metrics.ts`);
  return note;
}

const cell = (markdown: string): string => markdown.replaceAll('|', '\\|').replaceAll('\n', ' ');
