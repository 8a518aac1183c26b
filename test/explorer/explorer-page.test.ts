// What the explorer page says, from its own script run against real nodes (see explorer-page.ts).
import { call, startFakePeer, startTestNode } from '../support/nodes.ts';
import { openExplorerPage, type ExplorerPage } from '../support/explorer-page.ts';

type TestNode = Awaited<ReturnType<typeof startTestNode>>;

const texts = (page: ExplorerPage, id: string, selector: string) =>
  page
    .byId(id)
    .findAll(selector)
    .map((element) => element.textContent);

/** A peer address nothing listens on. */
async function deadAddress(): Promise<string> {
  const dead = await startFakePeer(() => {});
  await dead.close();
  return dead.address;
}

describe('the explorer page', () => {
  const nodes: TestNode[] = [];
  const start = async (env: Record<string, string>) => {
    const node = await startTestNode(env);
    nodes.push(node);
    return node;
  };
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close()));
  });

  /** B's page, once it has B's snapshot and its first network view, with peers `peers`. */
  async function pageOf(b: TestNode, peers: string[]): Promise<ExplorerPage> {
    if (peers.length > 0) await call(`${b.url}/nodes/register`, { json: { nodes: peers } });
    const page = await openExplorerPage(b.url);
    try {
      await page.waitFor(
        () => page.evaluate('state.nodeId') !== null && page.byId('network-summary').textContent !== '',
        'the snapshot and the network',
      );
    } catch (error) {
      await page[Symbol.asyncDispose](); // its event stream would keep the test run alive
      throw error;
    }
    return page;
  }

  test('claims agreement only over the nodes that answered, and names those that did not', async () => {
    const [a, b, dead] = [await start({ NODE_ID: 'a' }), await start({ NODE_ID: 'b' }), await deadAddress()];
    await using page = await pageOf(b, [a.address, dead]);
    const summary = page.byId('network-summary');
    expect(summary.textContent).toBe(`2 of 3 agree (the same 1-block chain); ${dead} unreachable.`);
    expect(summary.findAll('strong.ok')).toEqual([]);
    expect(texts(page, 'network-summary', 'strong.warn')).toEqual(['2 of 3 agree']);
  });

  test('says "in agreement" in green when every node answered with the same chain', async () => {
    const [a, b] = [await start({ NODE_ID: 'a' }), await start({ NODE_ID: 'b' })];
    await using page = await pageOf(b, [a.address]);
    expect(page.byId('network-summary').textContent).toBe('In agreement: all 2 nodes hold the same 1-block chain.');
    expect(texts(page, 'network-summary', 'strong.ok')).toEqual(['In agreement: ']);
  });

  test('when only this node answers, it does not call that agreement', async () => {
    const [b, dead] = [await start({ NODE_ID: 'b' }), await deadAddress()];
    await using page = await pageOf(b, [dead]);
    expect(page.byId('network-summary').textContent).toBe(`Only this node answered; ${dead} unreachable.`);
  });

  test('names every column by node id, with its address under it, this node and peers alike', async () => {
    const [a, b, dead] = [await start({ NODE_ID: 'a' }), await start({ NODE_ID: 'b' }), await deadAddress()];
    await using page = await pageOf(b, [a.address, dead]);
    expect(texts(page, 'network', 'th.node-col').length).toBe(3);
    expect(texts(page, 'network', 'span.node-name')).toEqual(['b', 'a', dead]);
    // A peer that never answered has given no id: its address is all there is to name it by.
    expect(texts(page, 'network', 'span.node-address')).toEqual([`this node \u00b7 ${b.address}`, a.address, 'no node id']);
    expect(texts(page, 'peers', 'span.node-name')).toEqual(['a', dead]);
  });

  test("shows a peer's failure as the node gives it, without a second prefix", async () => {
    const [b, dead] = [await start({ NODE_ID: 'b' }), await deadAddress()];
    await using page = await pageOf(b, [dead]);
    const [reason] = (await call(`${b.url}/nodes`)).body.nodes.map((peer: { last_error: string }) => peer.last_error);
    // It never answered validly: the node gives one reason, whatever failed (see PeerSet.shownReason).
    expect(reason).toBe(`GET ${dead}/chain/tip: no valid answer yet`);
    const column = page.byId('network').findAll('th.node-col')[1]!;
    expect(column.textContent.split('no valid answer yet')).toHaveLength(2);
    const [status] = column.findAll('span.status');
    expect([status?.textContent, status?.className]).toEqual([reason, 'status no']);
  });

  test('says whether the node gossips, and its proof rule', async () => {
    const quiet = await start({ NODE_ID: 'quiet', GOSSIP: 'off', DIFFICULTY: '3' });
    await using quietPage = await pageOf(quiet, []);
    expect([quietPage.byId('node-gossip').textContent, quietPage.byId('node-rule').textContent]).toEqual([
      'off: syncs when told to resolve',
      'notebook, difficulty 3',
    ]);
    expect(quietPage.byId('node-gossip').dataset.gossip).toBe('off');

    const chatty = await start({ NODE_ID: 'chatty', GOSSIP: 'on', SYNC_INTERVAL_MS: '2000', POW_RULE: 'linked' });
    await using chattyPage = await pageOf(chatty, []);
    expect([chattyPage.byId('node-gossip').textContent, chattyPage.byId('node-rule').textContent]).toEqual([
      'on, syncs every 2 s',
      'linked, difficulty 4',
    ]);
  });

  test('the Peers table and the network view agree about a peer that went down', async () => {
    const [a, b] = [await startTestNode({ NODE_ID: 'a' }), await start({ NODE_ID: 'b' })];
    await call(`${b.url}/nodes/register`, { json: { nodes: [a.address] } });
    await call(`${b.url}/nodes/resolve`);
    await using page = await pageOf(b, []);
    const peerState = () => texts(page, 'peers', 'span.dot')[0];
    const columnState = () => page.byId('network').findAll('span.status')[1]?.className;
    expect(peerState()).toBe('yes');

    await a.close();
    page.evaluate('refreshNetwork()');
    // GOSSIP=off: nothing but the network view has asked A since it went down.
    await page.waitFor(
      () => peerState() === 'unreachable' && columnState() === 'status no',
      'A down in both the Peers table and the network view',
    );
  });

  test('lists the first 50 pending transactions and counts the rest; a large block says what it leaves out', async () => {
    const b = await start({ NODE_ID: 'b' });
    const send = (i: number) =>
      call(`${b.url}/transactions/new`, { json: { sender: `s${'x'.repeat(6_000)}`, recipient: `r${i}`, amount: i } });
    for (let i = 0; i < 60; i++) expect((await send(i)).status).toBe(201);
    await using page = await pageOf(b, []);
    const pending = () => page.byId('pending').findAll('li');
    expect(page.byId('pending-count').textContent).toBe('60');
    expect(pending()).toHaveLength(51);
    expect(texts(page, 'pending', 'li.more')).toEqual(['and 10 more transactions']);
    // Each long sender is shown cut, saying by how much.
    expect(pending()[0]!.findAll('span.party')[0]!.textContent).toMatch(/^sx+\u2026 \(5801 more characters\)$/);

    await send(60);
    await page.waitFor(() => page.byId('pending-count').textContent === '61', 'the 61st transaction');
    expect(texts(page, 'pending', 'li.more')).toEqual(['and 11 more transactions']);

    expect((await call(`${b.url}/mine`)).status).toBe(200);
    await page.waitFor(() => page.evaluate('state.length') === 2, 'the mined block');
    const [newest] = page.byId('chain').findAll('li.block');
    expect(newest!.findAll('p.cut').map((note) => note.textContent)).toEqual([
      expect.stringMatching(/^A large block \(62 transactions, \d+ KB\): only the first 5 shown\.$/),
    ]);
    expect(newest!.findAll('li.tx')).toHaveLength(5);
    expect(page.byId('pending-count').textContent).toBe('0');
  });

  test('a peer that fails every sync is in the activity list once, until it answers again', async () => {
    const [b, dead] = [await start({ NODE_ID: 'b' }), await deadAddress()];
    await using page = await pageOf(b, [dead]);
    for (let i = 0; i < 3; i++) await call(`${b.url}/nodes/resolve`);
    await page.waitFor(() => page.evaluate('state.failures.size') === 1, 'the failure');
    expect(texts(page, 'activity', 'li').filter((item) => item.includes(`Peer ${dead} skipped`))).toHaveLength(1);
  });
});
