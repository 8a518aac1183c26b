import { startPeerDiscovery, type Lookup } from '../../src/peers/peer-discovery.ts';
import { eventually } from '../support/eventually.ts';
import { startTestNode } from '../support/nodes.ts';

describe('startPeerDiscovery', () => {
  let node: Awaited<ReturnType<typeof startTestNode>>;
  beforeEach(async () => {
    node = await startTestNode();
  });
  afterEach(() => node.close());

  /** A DNS whose answers the test changes as replicas come and go. */
  const fakeDns =
    (answers: Record<string, string[] | Error>): Lookup =>
    async (host) => {
      const answer = answers[host];
      if (answer === undefined || answer instanceof Error) throw answer ?? new Error(`ENOTFOUND ${host}`);
      return answer;
    };

  test('a name with one address stays a peer under its name', async () => {
    const discovery = startPeerDiscovery({
      node: node.node,
      names: ['node2:5000'],
      lookup: fakeDns({ node2: ['172.18.0.3'] }),
      intervalMs: 0,
    });
    await discovery.refresh();
    expect(node.node.peers).toEqual(['node2:5000']);
  });

  test('a name with several addresses stands for each of them, and follows them as they come and go', async () => {
    const answers: Record<string, string[] | Error> = { 'tasks.node': ['10.0.1.7', '10.0.1.5'] };
    const discovery = startPeerDiscovery({ node: node.node, names: ['tasks.node:5000'], lookup: fakeDns(answers), intervalMs: 0 });
    node.node.registerPeers(['tasks.node:5000'], 'config'); // as PEERS does at start
    await discovery.refresh();
    expect(node.node.peers).toEqual(['10.0.1.5:5000', '10.0.1.7:5000']);

    answers['tasks.node'] = ['10.0.1.5', '10.0.1.7', '10.0.1.9'];
    await discovery.refresh();
    expect(node.node.peers).toEqual(['10.0.1.5:5000', '10.0.1.7:5000', '10.0.1.9:5000']);

    answers['tasks.node'] = ['10.0.1.9', '10.0.1.5'];
    await discovery.refresh();
    expect(node.node.peers).toEqual(['10.0.1.5:5000', '10.0.1.9:5000']);

    answers['tasks.node'] = new Error('EAI_AGAIN'); // DNS hiccup: keep what we know
    await discovery.refresh();
    expect(node.node.peers).toEqual(['10.0.1.5:5000', '10.0.1.9:5000']);
  });

  test("the node's own address among a service's is never a peer", async () => {
    const self = node.address.split(':')[0]!; // 127.0.0.1, one of this machine's interfaces
    const port = node.address.split(':')[1]!;
    const discovery = startPeerDiscovery({
      node: node.node,
      names: [`svc:${port}`],
      lookup: fakeDns({ svc: [self, '10.0.0.2'] }),
      intervalMs: 0,
    });
    await discovery.refresh();
    expect(node.node.peers).toEqual([`10.0.0.2:${port}`]);
  });

  test('peers registered by hand are left alone, and addresses given as IPs are not looked up', async () => {
    const lookup = jest.fn(fakeDns({}));
    node.node.registerPeers(['manual:5000'], 'client');
    const discovery = startPeerDiscovery({ node: node.node, names: ['10.0.0.9:5000'], lookup, intervalMs: 0 });
    await discovery.refresh();
    expect(lookup).not.toHaveBeenCalled();
    expect(node.node.peers).toEqual(['manual:5000']);
  });

  test('runs by itself on its interval', async () => {
    const discovery = startPeerDiscovery({
      node: node.node,
      names: ['svc:5000'],
      lookup: fakeDns({ svc: ['10.0.0.1', '10.0.0.2'] }),
      intervalMs: 20,
    });
    try {
      await eventually(() => expect(node.node.peers).toEqual(['10.0.0.1:5000', '10.0.0.2:5000']));
    } finally {
      discovery.stop();
    }
  });
});
