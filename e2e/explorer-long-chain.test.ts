// The explorer of a node holding 10,000 blocks, in Debian's Chromium driven by playwright-core. The
// page draws one window of blocks at a time, whatever the chain's length: it shows the tip, reaches
// an old block by its index and pages from there, and its live updates go on meanwhile. Its peer, a
// stand-in serving the same chain as a chainlab node does, is asked for its tip, never for its
// whole chain. Screenshots go to test-artifacts/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, openExplorer as openExplorerPage } from './support/browser.ts';
import { buildChain, storeChain } from '../bench/chain-fixture.ts';
import { startChainPeer, type ChainPeer } from '../test/explorer/chain-peer.ts';
import { startTestNode, type TestNode } from '../test/support/nodes.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { getJson, postJson } from './support/http.ts';

jest.setTimeout(120_000);

const WAIT_MS = 20_000;
const LENGTH = 10_000;
/** Far fewer than the chain holds: one window of the chain, and the network's rows. */
const MOST_BLOCK_ELEMENTS = 200;

describe('the explorer of a 10,000-block chain', () => {
  const resources = disposeAfterAll();
  let browser: Browser;
  let node: TestNode;
  let peer: ChainPeer;
  const problems: string[] = [];

  beforeAll(async () => {
    const chain = buildChain(LENGTH);
    const dir = mkdtempSync(join(tmpdir(), 'chainlab-long-chain-'));
    resources.defer(() => rmSync(dir, { recursive: true, force: true }));
    await storeChain(dir, chain);
    node = resources.use(await startTestNode({ NODE_ID: 'long', DATA_DIR: dir }));
    expect(node.node.chain).toHaveLength(LENGTH);
    peer = resources.use(await startChainPeer({ chain, nodeId: 'twin' }));
    expect((await postJson(`${node.url}/nodes/register`, { nodes: [peer.address] })).status).toBe(201);
    browser = await launchChromium();
    resources.defer(() => browser.close());
  });

  async function openExplorer(url: string): Promise<Page> {
    const page = await openExplorerPage(browser, url, problems, WAIT_MS);
    return page;
  }

  /** Elements that stand for a block: the chain's cards and the network's rows. */
  const blockElements = (page: Page) => page.locator('#chain li.block, #network tbody tr').count();
  const shownIndexes = async (page: Page) =>
    (await page.locator('#chain li.block').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-index')))).map(Number);

  test('shows the tip, reaches block 5 and pages from there, with a bounded DOM, while live updates go on', async () => {
    const page = await openExplorer(node.url);
    await page.locator(`#chain li.block[data-index="${LENGTH}"]`).waitFor();
    await page.locator('#network-summary', { hasText: `In agreement: all 2 nodes hold the same ${LENGTH}-block chain.` }).waitFor();
    expect(await page.locator('#chain-length').textContent()).toBe(String(LENGTH));
    expect(await page.locator('#chain-note').textContent()).toBe(`Showing the newest 100 of ${LENGTH} blocks.`);
    expect(await blockElements(page)).toBeLessThan(MOST_BLOCK_ELEMENTS);
    expect(await page.locator('#chain-older').isEnabled()).toBe(true);
    expect(await page.locator('#chain-newest').isEnabled()).toBe(false);

    // An old block by its index: at the top of the panel, marked, with the blocks before it below.
    await page.fill('#chain-goto [name=index]', '5');
    await page.click('#chain-goto button');
    await page.locator('#chain li.block.target[data-index="5"]').waitFor();
    expect(await shownIndexes(page)).toEqual([5, 4, 3, 2, 1]);
    expect(await page.locator('#chain-older').isEnabled()).toBe(false);
    await page.locator('#chain li.block[data-index="1"] .tag.genesis').waitFor();

    await page.click('#chain-newer');
    await page.locator('#chain li.block[data-index="105"]').waitFor();
    expect(await shownIndexes(page)).toEqual(Array.from({ length: 100 }, (_, i) => 105 - i));
    expect(await page.locator('#chain-note').textContent()).toBe(`Showing blocks #6 to #105 of ${LENGTH}.`);

    await page.fill('#chain-goto [name=index]', '5000');
    await page.click('#chain-goto button');
    await page.locator('#chain li.block.target[data-index="5000"]').waitFor();
    await page.click('#chain-older');
    await page.locator('#chain li.block[data-index="4900"]').waitFor();
    const older = await shownIndexes(page);
    expect([older[0], older.at(-1), older.length]).toEqual([4900, 4801, 100]);
    expect(await blockElements(page)).toBeLessThan(MOST_BLOCK_ELEMENTS);
    // The panel's top, not the whole page: 100 blocks are long.
    await page.evaluate("document.getElementById('chain-panel').scrollIntoView()");
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-long-chain-old-block.png') });

    // Live meanwhile: a block mined here is counted, and the panel stays where it was...
    expect((await getJson(`${node.url}/mine`)).status).toBe(200);
    await page.locator('#chain-length', { hasText: String(LENGTH + 1) }).waitFor();
    await page.locator('#chain-note', { hasText: `of ${LENGTH + 1}.` }).waitFor();
    await page.locator('#activity li.mined', { hasText: `Mined block #${LENGTH + 1}` }).waitFor();
    expect((await shownIndexes(page))[0]).toBe(4900);
    // ...until it goes back to the newest, which then follow the tip again.
    await page.click('#chain-newest');
    await page.locator(`#chain li.block[data-index="${LENGTH + 1}"]`).waitFor();
    await page.locator(`#network tr.behind[data-index="${LENGTH + 1}"]`).waitFor();
    expect((await getJson(`${node.url}/mine`)).status).toBe(200);
    await page.locator(`#chain li.block[data-index="${LENGTH + 2}"]`).waitFor();
    expect(await page.locator('#chain li.block').count()).toBe(100);
    expect(await blockElements(page)).toBeLessThan(MOST_BLOCK_ELEMENTS);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-long-chain.png') });
    await page.close();

    // However often the page asked for the network, the peer was asked for its tip only.
    expect(peer.requests.length).toBeGreaterThan(0);
    expect(new Set(peer.requests)).toEqual(new Set(['/chain/tip']));
    expect(problems).toEqual([]);
  });
});
