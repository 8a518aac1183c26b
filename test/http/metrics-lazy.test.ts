// prom-client costs a node memory from the moment it is loaded, so a node loads it only when its
// metrics are first read (src/http/metrics.ts). jest's own module registry is the hook: a factory
// given to jest.doMock runs when, and only when, the module is first required.
import type { startTestNode as StartTestNode } from '../support/nodes.ts';

describe('prom-client', () => {
  test('is loaded on the first GET /metrics, not when a node starts, and the counts from before are kept', async () => {
    let loads = 0;
    let startTestNode: typeof StartTestNode | undefined;
    jest.isolateModules(() => {
      jest.doMock('prom-client', () => {
        loads += 1;
        return jest.requireActual('prom-client');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- required inside the isolated registry, after the hook
      ({ startTestNode } = require('../support/nodes.ts') as typeof import('../support/nodes.ts'));
    });
    await using node = await startTestNode!({ NODE_ID: 'lazy' });
    await fetch(`${node.url}/mine`);
    expect(loads).toBe(0);

    const text = await (await fetch(`${node.url}/metrics`)).text();
    expect(loads).toBe(1);
    expect(text).toContain('\nchainlab_blocks_mined_total 1\n');
    expect(text).toContain('\nchainlab_mining_duration_seconds_count 1\n');
    expect(text).toContain('\nchainlab_http_request_duration_seconds_count{method="GET",route="/mine",status="200"} 1\n');

    await fetch(`${node.url}/mine`);
    const again = await (await fetch(`${node.url}/metrics`)).text();
    expect(loads).toBe(1);
    expect(again).toContain('\nchainlab_blocks_mined_total 2\n');
    expect(again).toContain('\nchainlab_mining_duration_seconds_count 2\n');
  });
});
