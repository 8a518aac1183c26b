import { buildChain } from '../support/chains.ts';
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';
import { toJson } from '../../src/chain/py-json.ts';

/** The value of one sample line of the Prometheus text format, e.g. `chainlab_chain_length` or `x{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  test("counts this node's blocks, transactions, replacements, peer failures and requests, apart from another node's", async () => {
    // Mined once, up front: mined per request, it can take longer than the peer timeout on a busy machine.
    const chain = buildChain(5);
    const longer = await startFakePeer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(toJson({ chain: chain as never, length: chain.length }));
    });
    const [a, b] = [await startTestNode({ NODE_ID: 'a' }), await startTestNode({ NODE_ID: 'b' })];
    try {
      await call(`${a.url}/mine`);
      await call(`${a.url}/mine`);
      await call(`${a.url}/transactions/new`, { json: { sender: 'x', recipient: 'y', amount: 1 } });
      await call(`${a.url}/nope`);
      await call(`${a.url}/transactions/new`); // GET: 405
      await call(`${b.url}/nodes/register`, { json: { nodes: ['127.0.0.1:1', longer.address] } });
      await call(`${b.url}/nodes/resolve`);

      const response = await fetch(`${a.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const metricsA = await response.text();
      expect(sample(metricsA, 'chainlab_chain_length')).toBe(3);
      expect(sample(metricsA, 'chainlab_blocks_mined_total')).toBe(2);
      expect(sample(metricsA, 'chainlab_transactions_pending')).toBe(1);
      expect(sample(metricsA, 'chainlab_mining_duration_seconds_count')).toBe(2);
      expect(sample(metricsA, 'chainlab_mining_duration_seconds_bucket{le="60"}')).toBe(2);
      expect(sample(metricsA, 'chainlab_mining_duration_seconds_bucket{le="0.001"}')).toBeDefined();
      expect(sample(metricsA, 'chainlab_chain_replacements_total')).toBe(0);
      // Routes by their template; what the router did not match, under one label.
      expect(sample(metricsA, 'chainlab_http_request_duration_seconds_count{method="GET",route="/mine",status="200"}')).toBe(2);
      expect(sample(metricsA, 'chainlab_http_request_duration_seconds_count{method="POST",route="/transactions/new",status="201"}')).toBe(
        1,
      );
      expect(sample(metricsA, 'chainlab_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(1);
      expect(sample(metricsA, 'chainlab_http_request_duration_seconds_count{method="GET",route="unmatched",status="405"}')).toBe(1);
      expect(metricsA).not.toContain('/nope');
      // prom-client's default process metrics are on the node's registry too.
      expect(sample(metricsA, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(metricsA).toContain('nodejs_heap_size_used_bytes');

      const metricsB = await (await fetch(`${b.url}/metrics`)).text();
      expect(sample(metricsB, 'chainlab_blocks_mined_total')).toBe(0);
      expect(sample(metricsB, 'chainlab_chain_length')).toBe(5);
      expect(sample(metricsB, 'chainlab_chain_replacements_total')).toBe(1);
      expect(sample(metricsB, 'chainlab_peer_failures_total{peer="127.0.0.1:1"}')).toBe(1);
      expect(metricsB).not.toContain(`chainlab_peer_failures_total{peer="${longer.address}"}`);
      expect(sample(metricsB, 'chainlab_http_request_duration_seconds_count{method="GET",route="/mine",status="200"}')).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close(), longer.close()]);
    }
  });
});
