// The lab from the explorer, in Debian's Chromium driven by playwright-core: three in-process
// gossiping nodes with LAB=on. From A's page the network is split into [[A, B], [C]]; C takes a
// transaction and mines it, A mines twice; A's block tree shows two branches, each node's tip on its
// own, and C's column is marked cut off. Healing from the page brings C onto A's chain: the tree
// shows one branch, and C's dropped block with the transaction that went back to C's pool.
// Screenshots go to test-artifacts/.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, openExplorerAtGenesis } from './support/browser.ts';
import { startTestNode, type TestNode } from '../test/support/nodes.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { getJson, postJson } from './support/http.ts';

jest.setTimeout(120_000);

const WAIT_MS = 20_000;

describe('the lab in the explorer', () => {
  const resources = disposeAfterAll();
  let browser: Browser;
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;
  const problems: string[] = [];

  beforeAll(async () => {
    // Gossip with a quick sync round: once healed, C catches up by itself.
    const env = { LAB: 'on', GOSSIP: 'on', SYNC_INTERVAL_MS: '500' };
    a = resources.use(await startTestNode({ ...env, NODE_ID: 'lab-a' }));
    b = resources.use(await startTestNode({ ...env, NODE_ID: 'lab-b' }));
    c = resources.use(await startTestNode({ ...env, NODE_ID: 'lab-c' }));
    for (const [node, others] of [
      [a, [b, c]],
      [b, [a, c]],
      [c, [a, b]],
    ] as const) {
      expect((await postJson(`${node.url}/nodes/register`, { nodes: others.map((o) => o.address) })).status).toBe(201);
    }
    browser = await launchChromium();
    resources.defer(() => browser.close());
  });

  const openExplorer = (url: string): Promise<Page> => openExplorerAtGenesis(browser, url, problems, WAIT_MS);

  test('split from the page, a fork on both sides, two branches; heal, one branch and the returned transaction', async () => {
    const page = await openExplorer(a.url);
    await page.locator('#lab-panel').waitFor({ state: 'visible' });
    // Every node has a group picker once the page has seen them all (by node id: the peers have answered).
    await page.locator('#lab-groups select[data-node="lab-c"]').waitFor();
    await page.locator('#lab-groups select[data-node="lab-b"]').waitFor();
    await page.locator('#tree-summary', { hasText: 'One branch' }).waitFor();

    await page.selectOption('#lab-groups select[data-node="lab-c"]', '2');
    await page.click('#lab-partition button[type=submit]');
    await page.locator('#lab-result.ok', { hasText: 'POST /lab/partition' }).waitFor();
    // Network-wide: C holds the same groups.
    expect((await getJson(`${c.url}/lab`)).body).toMatchObject({ groups: [['lab-a', 'lab-b'], ['lab-c']] });
    await page.locator('#lab-faults', { hasText: 'Partition {lab-a, lab-b} | {lab-c}' }).waitFor();
    await page.locator(`#network th.node-col[data-node="${c.address}"] .tag.cut`).waitFor();

    // C takes a transaction and mines it on its side; A mines twice on the other, which gossip brings to B.
    expect((await postJson(`${c.url}/transactions/new`, { sender: 'carol', recipient: 'dave', amount: 7 })).status).toBe(201);
    expect((await getJson(`${c.url}/mine`)).status).toBe(200);
    await page.click('#mine');
    await page.locator('#chain li.block[data-index="2"]').waitFor();
    await page.click('#mine');
    await page.locator('#chain li.block[data-index="3"]').waitFor();

    await page.locator('#tree-summary', { hasText: '2 branches held' }).waitFor();
    await page.locator('#block-tree .tree-block.fork-point[data-index="1"]').waitFor();
    expect(await page.locator('#block-tree .segment.branch.live').count()).toBe(2);
    await page.locator('#block-tree .tree-block[data-index="2"] .tip', { hasText: 'lab-c tip' }).waitFor();
    await page.locator('#block-tree .tree-block[data-index="3"] .tip', { hasText: 'lab-b tip' }).waitFor();
    expect(c.node.chain).toHaveLength(2);
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-lab-split.png'), fullPage: true });

    await page.click('#lab-heal');
    await page.locator('#lab-result.ok', { hasText: 'POST /lab/heal' }).waitFor();
    await page.locator('#tree-summary', { hasText: 'One branch' }).waitFor();
    const dropped = page.locator('#block-tree .tree-block.dropped[data-index="2"]');
    await dropped.locator('.tag.dropped', { hasText: 'dropped by lab-c' }).waitFor();
    await dropped.locator('.returned li', { hasText: 'carol \u2192 dave: 7' }).waitFor();
    expect(await page.locator('#block-tree .segment.branch.live').count()).toBe(1);
    expect(await page.locator('#lab-faults li').count()).toBe(0);
    expect(c.node.chain).toHaveLength(3);
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-lab-healed.png'), fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
  });
});
