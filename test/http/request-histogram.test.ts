// chainlab_http_request_duration_seconds is counted by our own RequestHistogram (cheap on every
// request), but must read exactly as the prom-client Histogram it replaced: dashboards and the
// bench's request counts parse it.
import { Histogram, Registry, type Metric } from 'prom-client';
import { RequestHistogram } from '../../src/http/metrics.ts';

const NAME = 'chainlab_http_request_duration_seconds';
const HELP = 'Time to answer each HTTP request, by method, route template and status.';
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Requests as [method, route, status, seconds]: on bounds, between them, past the last. */
const REQUESTS: [string, string, number, number][] = [
  ['POST', '/transactions/new', 201, 0.0002],
  ['POST', '/transactions/new', 201, 0.0005],
  ['POST', '/transactions/new', 201, 0.00051],
  ['POST', '/transactions/new', 429, 0.003],
  ['GET', '/chain', 200, 0.75],
  ['GET', 'unmatched', 404, 61],
  ['GET', '/chain', 200, 10],
  ['POST', '/transactions/new', 201, 0],
];

function both(): { ours: Registry; theirs: Registry } {
  const ours = new Registry();
  const histogram = new RequestHistogram(NAME, HELP);
  ours.registerMetric(histogram as unknown as Metric);
  const theirs = new Registry();
  const reference = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['method', 'route', 'status'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  for (const [method, route, status, seconds] of REQUESTS) {
    histogram.observe(method, route, status, seconds);
    reference.observe({ method, route, status }, seconds);
  }
  return { ours, theirs };
}

describe('the request histogram', () => {
  test("reads as prom-client's Histogram, line for line, in the Prometheus text format", async () => {
    const { ours, theirs } = both();
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain(`${NAME}_count{method="POST",route="/transactions/new",status="201"} 4`);
  });

  test('and as JSON', async () => {
    const { ours, theirs } = both();
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  test('has the fields the metrics docs read of a histogram', () => {
    expect(new RequestHistogram(NAME, HELP)).toEqual(
      expect.objectContaining({ name: NAME, help: HELP, type: 'histogram', labelNames: ['method', 'route', 'status'], buckets: BUCKETS }),
    );
  });

  test('starts again from nothing when the registry is reset', async () => {
    const { ours } = both();
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain(`${NAME}_count`);
  });
});
