// The explorer in a real browser: Debian's Chromium, driven by playwright-core. Two in-process
// nodes with GOSSIP=off know each other; a block mined through node A's page appears on node B's page once B
// resolves, live over server-sent events and without a reload, and B's side-by-side view shows
// both chains, first apart and then in agreement. Then two gossiping nodes, C and D: C's block reaches
// D's page by itself. Screenshots go to test-artifacts/.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, openExplorerAtGenesis } from './support/browser.ts';
import { hashBlock } from '../src/chain/hash.ts';
import { startTestNode, type TestNode } from '../test/support/nodes.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { getJson, postJson } from './support/http.ts';

jest.setTimeout(120_000);

/** Debian's package; CI installs it (.ci/run). */
const WAIT_MS = 20_000;

describe('the explorer in a browser', () => {
  const resources = disposeAfterAll();
  let browser: Browser;
  let a: TestNode;
  let b: TestNode;
  /** Script errors and console errors of every page, which a working page has none of. */
  const problems: string[] = [];

  beforeAll(async () => {
    // GOSSIP=off: B must hear of A's block only when it resolves, so the page shows the two apart first.
    a = resources.use(await startTestNode({ NODE_ID: 'node-a', GOSSIP: 'off' }));
    b = resources.use(await startTestNode({ NODE_ID: 'node-b', GOSSIP: 'off' }));
    expect((await postJson(`${a.url}/nodes/register`, { nodes: [b.address] })).status).toBe(201);
    expect((await postJson(`${b.url}/nodes/register`, { nodes: [a.address] })).status).toBe(201);
    browser = await launchChromium();
    resources.defer(() => browser.close());
  });

  const openExplorer = (url: string): Promise<Page> => openExplorerAtGenesis(browser, url, problems, WAIT_MS);

  test("a block mined on A appears on B's page once B resolves, live and without a reload", async () => {
    const pageB = await openExplorer(b.url);
    // Expressions as text: they run in the page, whose globals (window) this Node project does not type.
    await pageB.evaluate("window.explorerMarker = 'loaded once'");
    // The side-by-side view shows both nodes, this one first.
    await pageB.locator('#network th.node-col', { hasText: a.address }).waitFor();
    expect(await pageB.locator('#network th.node-col .node-name').allTextContents()).toEqual(['node-b', 'node-a']);
    await pageB.locator('#network-summary', { hasText: 'In agreement' }).waitFor();

    // On A's page: a bad transaction gets the API's own error; a good one goes into the pool.
    const pageA = await openExplorer(a.url);
    await pageA.fill('#tx-form [name=sender]', 'alice');
    await pageA.fill('#tx-form [name=recipient]', '<b>bob</b>');
    await pageA.click('#tx-form button');
    await pageA.locator('#action-result.error', { hasText: 'HTTP 400: Missing values: amount' }).waitFor();
    await pageA.fill('#tx-form [name=amount]', '5.0');
    await pageA.click('#tx-form button');
    await pageA.locator('#action-result.ok', { hasText: 'Transaction will be added to Block 2' }).waitFor();
    // Text from anyone stays text: the recipient's markup is shown, not rendered.
    await pageA.locator('#pending li.tx', { hasText: '<b>bob</b>' }).waitFor();
    expect(await pageA.locator('#pending li.tx .amount').textContent()).toBe('5.0');

    await pageA.click('#mine');
    await pageA.locator('#chain li.block[data-index="2"]').waitFor();
    const minedHash = hashBlock(a.node.chain[1]!);
    expect(await pageA.locator('#chain li.block[data-index="2"]').getAttribute('data-hash')).toBe(minedHash);
    expect(await pageA.locator('#pending li.empty').textContent()).toBe('none');

    // B has heard nothing yet, but its side-by-side view (refreshed on a timer) shows A ahead.
    await pageB.locator('#network tr.behind[data-index="2"]').waitFor();
    await pageB.locator('#network-summary', { hasText: 'Not in agreement' }).waitFor();
    expect(await pageB.locator('#chain li.block').count()).toBe(1);
    await pageB.screenshot({ path: join(ARTIFACTS, 'explorer-apart.png'), fullPage: true });

    const resolved = await getJson(`${b.url}/nodes/resolve`);
    expect(resolved.body).toMatchObject({ message: 'Our chain was replaced' });

    // B's page learns of it over its event stream: the block, the replacement, then agreement.
    await pageB.locator(`#chain li.block[data-index="2"][data-hash="${minedHash}"]`).waitFor();
    await pageB.locator('#replaced-banner', { hasText: `the longer chain of ${a.address}` }).waitFor();
    await pageB.locator('#network th.node-col', { hasText: 'replaced at' }).waitFor();
    await pageB.locator('#network-summary', { hasText: 'In agreement' }).waitFor();
    await pageB.locator('#network tr.agree[data-index="2"]').waitFor();
    expect(
      await pageB.locator('#network tr[data-index="2"] code.hash').evaluateAll((chips) => chips.map((chip) => chip.getAttribute('title'))),
    ).toEqual([minedHash, minedHash]);
    expect(await pageB.locator('#activity li.replaced').count()).toBe(1);

    // Same document all along: no navigation, no reload.
    expect(await pageB.evaluate('window.explorerMarker')).toBe('loaded once');
    expect(await pageB.evaluate("performance.getEntriesByType('navigation').length")).toBe(1);

    await pageB.screenshot({ path: join(ARTIFACTS, 'explorer.png'), fullPage: true });
    await pageA.screenshot({ path: join(ARTIFACTS, 'explorer-node-a.png'), fullPage: true });
    await Promise.all([pageA.close(), pageB.close()]);
    expect(problems).toEqual([]);
  });

  test("a fork is highlighted, and B's page marks the block it dropped when it adopts A's chain", async () => {
    const pageB = await openExplorer(b.url);
    // Both mine on the same tip: block 3 differs. A mines once more, so its chain is longer.
    await getJson(`${b.url}/mine`);
    await getJson(`${a.url}/mine`);
    await getJson(`${a.url}/mine`);
    const dropped = hashBlock(b.node.chain[2]!);
    await pageB.locator(`#chain li.block[data-index="3"][data-hash="${dropped}"]`).waitFor();
    await pageB.locator('#network tr.fork[data-index="3"]').waitFor();
    await pageB.locator('#network tr.behind[data-index="4"]').waitFor();
    await pageB.locator('#network-summary', { hasText: 'the chains fork at block #3' }).waitFor();
    await pageB.screenshot({ path: join(ARTIFACTS, 'explorer-fork.png'), fullPage: true });

    expect((await getJson(`${b.url}/nodes/resolve`)).body).toMatchObject({ message: 'Our chain was replaced' });
    await pageB.locator('#replaced-banner', { hasText: `Blocks it dropped: #3 ${dropped.slice(0, 10)}` }).waitFor();
    await pageB.locator(`#chain li.block[data-index="4"][data-hash="${hashBlock(a.node.chain[3]!)}"]`).waitFor();
    await pageB.locator('#network-summary', { hasText: 'In agreement' }).waitFor();
    expect(await pageB.locator(`#chain li.block[data-hash="${dropped}"]`).count()).toBe(0);
    await pageB.close();
    expect(problems).toEqual([]);
  });

  test("with gossip, a transaction and a block from C appear on D's page with nobody calling resolve", async () => {
    // Announcements only (no periodic sync): what D's page shows, C's announcements brought.
    const gossiping = { GOSSIP: 'on', SYNC_INTERVAL_MS: '0' };
    await using c = await startTestNode({ ...gossiping, NODE_ID: 'node-c' });
    await using d = await startTestNode({ ...gossiping, NODE_ID: 'node-d', PEERS: c.address });
    const pageD = await openExplorer(d.url);
    await pageD.evaluate("window.explorerMarker = 'loaded once'");
    await pageD.locator('#network th.node-col', { hasText: c.address }).waitFor();

    expect((await postJson(`${c.url}/transactions/new`, { sender: 'carol', recipient: 'dave', amount: 7 })).status).toBe(201);
    await pageD.locator('#pending li.tx', { hasText: 'carol' }).waitFor();
    await getJson(`${c.url}/mine`);
    const minedHash = hashBlock(c.node.chain[1]!);
    await pageD.locator(`#chain li.block[data-index="2"][data-hash="${minedHash}"]`).waitFor();
    await pageD.locator('#activity li.appended', { hasText: 'Block #2 from a peer' }).waitFor();
    await pageD.locator('#pending li.empty').waitFor();
    await pageD.locator('#network-summary', { hasText: 'In agreement' }).waitFor();
    expect(await pageD.locator('#activity li.replaced').count()).toBe(0);
    expect(await pageD.evaluate('window.explorerMarker')).toBe('loaded once');
    await pageD.screenshot({ path: join(ARTIFACTS, 'explorer-gossip.png'), fullPage: true });
    await pageD.close();
    expect(problems).toEqual([]);
  });
});
