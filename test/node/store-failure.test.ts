// A node whose store fails acknowledges nothing more, and its healthcheck says so.
import type { ChainStore } from '../../src/store/chain-store.ts';
import { createTestApp, serve } from '../support/apps.ts';
import { call } from '../support/nodes.ts';

test('when a write fails, the request gets no 201 and /health answers 503 with the reason', async () => {
  const brokenDisk: ChainStore = {
    load: async () => [],
    record: async () => {
      throw new Error('EIO: i/o error, write');
    },
    rewrite: async () => {},
    close: async () => {},
  };
  const { app } = createTestApp({ store: brokenDisk });
  await using server = await serve(app);
  expect((await call(`${server.url}/health`)).status).toBe(200);
  const posted = await call(`${server.url}/transactions/new`, { json: { sender: 'a', recipient: 'b', amount: 1 } });
  expect(posted.status).toBe(500);
  const health = await call(`${server.url}/health`);
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ status: 'failing', error: 'the store failed: EIO: i/o error, write', length: 1 });
});
