// The explorer under TX_RULE=signed, in Debian's Chromium driven by playwright-core (its WebCrypto
// has Ed25519): an in-process node with LAB=on whose rewards go to alice's fixture key. The page
// makes a key of its own and keeps it in IndexedDB; alice, whose key the test holds, mines and pays
// the page's address; the page signs and sends part of it back. Its balances follow, every signature
// checks out in the browser, and a tampered amount shows as a bad signature. Under TX_RULE=open the
// page has no wallet and no signature column.
import { createPrivateKey, sign } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { signedMessage } from '../src/chain/signed-rules.ts';
import { startTestNode, type TestNode } from '../test/support/nodes.ts';
import { address, signedVectors } from '../test/support/signed.ts';
import { ARTIFACTS, launchChromium, openExplorerAtGenesis } from './support/browser.ts';
import { disposeAfterAll } from './support/dispose-after-all.ts';
import { getJson, postJson, postText } from './support/http.ts';

jest.setTimeout(120_000);

const WAIT_MS = 20_000;
const ALICE = address('alice');

/** A transfer from alice to `recipient`, signed with alice's fixture key by node:crypto. */
function fromAlice(recipient: string, amount: number, nonce: number) {
  const fields = { sender: ALICE, recipient, amount, nonce };
  const key = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(signedVectors.keys.alice.seed, 'hex').toString('base64url'),
      x: Buffer.from(ALICE, 'hex').toString('base64url'),
    },
    format: 'jwk',
  });
  return { ...fields, signature: sign(null, Buffer.from(signedMessage(fields)), key).toString('hex') };
}

describe('the explorer under TX_RULE=signed', () => {
  const resources = disposeAfterAll();
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    resources.defer(() => browser.close());
  });

  const open = (node: TestNode): Promise<Page> => openExplorerAtGenesis(browser, node.url, problems, WAIT_MS);
  const mine = async (node: TestNode) => expect((await getJson(`${node.url}/mine`)).status).toBe(200);
  const balanceOf = async (node: TestNode, who: string) => (await getJson(`${node.url}/accounts/${who}`)).body;

  test('a key made in the page is paid, pays back, and every signature is checked in the browser; a tampered one fails', async () => {
    const node = resources.use(await startTestNode({ TX_RULE: 'signed', MINER_ADDRESS: ALICE, LAB: 'on' }));
    const page = await open(node);
    // The test process has no DOM types: what runs in the page is given as text.
    expect(await page.evaluate('window.isSecureContext && typeof crypto.subtle.generateKey')).toBe('function');
    await page.locator('#wallet-panel').waitFor({ state: 'visible' });
    await page.locator('#node-tx-rule', { hasText: 'signed' }).waitFor();
    await page.click('#wallet-new');
    await page.locator('#wallet-address', { hasText: /^[0-9a-f]{64}$/ }).waitFor();
    const pageAddress = (await page.textContent('#wallet-address'))!;
    // The private key stays inside the browser: IndexedDB holds a CryptoKey that cannot be exported.
    const stored = `new Promise((resolve) => {
      const request = indexedDB.open('chainlab-wallet');
      request.onsuccess = () => {
        const get = request.result.transaction('keys').objectStore('keys').get('default');
        get.onsuccess = () => resolve({ extractable: get.result.privateKey.extractable, type: get.result.privateKey.type });
      };
    })`;
    expect(await page.evaluate(stored)).toEqual({ extractable: false, type: 'private' });

    // Alice mines three rewards and pays the page 2 of them.
    for (let i = 0; i < 3; i++) await mine(node);
    const payment = await postJson(`${node.url}/transactions/new`, fromAlice(pageAddress, 2, 1));
    expect(payment.status).toBe(201);
    await mine(node);
    await page.locator('#wallet-balance', { hasText: /^2$/ }).waitFor();
    await page.locator(`#accounts tr[data-address="${ALICE}"] td.balance`, { hasText: /^2$/ }).waitFor(); // 4 rewards, 2 paid
    await page.locator('#chain li.block[data-index="5"] .sig[data-sig="valid"]').waitFor();

    // The page signs 0.5 back to alice with the nonce the node gives, and sends it.
    await page.fill('#wallet-form input[name=recipient]', ALICE);
    await page.fill('#wallet-form input[name=amount]', '0.5');
    await page.click('#wallet-form button[type=submit]');
    await page.locator('#wallet-result.ok', { hasText: 'nonce 1' }).waitFor();
    await page.locator('#pending .sig[data-sig="valid"]').waitFor();
    await page.locator('#wallet-available', { hasText: /^1.5$/ }).waitFor();
    await mine(node);
    await page.locator('#wallet-balance', { hasText: /^1.5$/ }).waitFor();
    await page.locator('#wallet-nonce', { hasText: /^2$/ }).waitFor();
    await page.locator('#chain li.block[data-index="6"] .sig[data-sig="valid"]').waitFor();
    expect(await balanceOf(node, pageAddress)).toEqual({ address: pageAddress, balance: 1.5, available: 1.5, next_nonce: 2 });
    expect(await page.locator('#chain .sig[data-sig="valid"]').count()).toBe(2);
    expect(await page.locator('#chain .sig[data-sig="invalid"]').count()).toBe(0);
    // Its rewards pay MINER_ADDRESS, not the node id: the page still knows which blocks it mined.
    expect(await page.locator('#chain li.block[data-index="6"] .tag', { hasText: 'mined here' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-signed.png'), fullPage: true });

    // A forged sender is refused by the node, whatever the page would say.
    const forged = { ...fromAlice(pageAddress, 1, 2), sender: pageAddress };
    expect((await postText(`${node.url}/transactions/new`, JSON.stringify(forged))).status).toBe(400);

    // The lab rewrites alice's payment to 1000 in block 5: its signature no longer covers it.
    expect((await postJson(`${node.url}/lab/tamper`, { index: 5, transaction: 0, amount: 1000 })).status).toBe(200);
    const tampered = page.locator('#chain li.block[data-index="5"] .sig[data-sig="invalid"]');
    await tampered.waitFor();
    expect(await tampered.getAttribute('title')).toContain('"amount": 1000');
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-signed-tampered.png'), fullPage: true });

    // The key outlives the page: a reload finds the same address in IndexedDB.
    await page.reload();
    await page.locator('#wallet-address', { hasText: pageAddress }).waitFor();
    await page.close();
    expect(problems).toEqual([]);
  });

  test('under TX_RULE=open the page has no wallet, no balances and no signature column', async () => {
    const node = resources.use(await startTestNode({ NODE_ID: 'open-node' }));
    expect((await postJson(`${node.url}/transactions/new`, { sender: 'carol', recipient: 'dave', amount: 7 })).status).toBe(201);
    const page = await open(node);
    await page.locator('#pending li.tx', { hasText: 'carol' }).waitFor();
    await page.locator('#node-tx-rule', { hasText: 'open' }).waitFor();
    expect(await page.locator('#wallet-panel').isHidden()).toBe(true);
    expect(await page.locator('#accounts-panel').isHidden()).toBe(true);
    expect(await page.locator('.sig').count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});
