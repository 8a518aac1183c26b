// Item 3 of issue 11, the eclipse by id claim: ids are public (/health), so a peer that claims
// another's id must not get that peer removed as its "alias". Only evidence that two addresses are
// one endpoint (both resolve to a common IP, with the same port) makes them one peer.
import { buildChain } from '../support/chains.ts';
import { fakeDns, peerWorld } from './peer-world.ts';

const honestChain = buildChain(3, { miner: 'node2' });
const liarChain = buildChain(1);

describe('a peer claiming the id of another', () => {
  test.each([
    ['registered before the honest peer', ['evil:5000', 'node2:5000']],
    ['registered after the honest peer', ['node2:5000', 'evil:5000']],
  ])('leaves the honest peer registered, %s, and the node syncs from it', async (_when, order) => {
    const { node, standIns } = peerWorld({ lookup: fakeDns({ evil: ['10.0.0.66'], node2: ['10.0.0.2'] }) });
    standIns.set('node2:5000', { nodeId: 'node2', chain: honestChain });
    standIns.set('evil:5000', { nodeId: 'node2', chain: liarChain });
    expect(node.registerPeers(order, 'client')).toMatchObject({ ok: true });

    const { replaced } = await node.sync();
    expect(replaced).toBe(true);
    expect(node.chain).toHaveLength(3);
    expect(node.peers).toEqual(order);
    // Each keeps the id it claims: shown, never trusted.
    expect(node.peerStatuses().map(({ node: peer, nodeId }) => [peer, nodeId])).toEqual(order.map((peer) => [peer, 'node2']));

    await node.sync(); // and again: the claim is never evidence
    expect(node.peers).toEqual(order);
  });

  test('at an IP of its own, without any lookup, leaves the honest peer too', async () => {
    const { node, standIns } = peerWorld();
    standIns.set('10.0.0.66:5000', { nodeId: 'node2', chain: liarChain });
    standIns.set('10.0.0.2:5000', { nodeId: 'node2', chain: honestChain });
    node.registerPeers(['10.0.0.66:5000', '10.0.0.2:5000'], 'client');
    await node.sync();
    expect(node.peers).toEqual(['10.0.0.66:5000', '10.0.0.2:5000']);
    expect(node.chain).toHaveLength(3);
  });
});

describe('one node under two names', () => {
  test('a host name and its IP, giving the same id, are one peer, kept under the name registered first', async () => {
    const { node, standIns } = peerWorld({ lookup: fakeDns({ node2: ['10.0.0.2'] }) });
    for (const address of ['node2:5000', '10.0.0.2:5000']) standIns.set(address, { nodeId: 'node2', chain: honestChain });
    node.registerPeers(['node2:5000', '10.0.0.2:5000'], 'client');
    await node.sync();
    expect(node.peers).toEqual(['node2:5000']);
    expect(node.chain).toHaveLength(3);
    // The other name stays known as the same node: registering it again changes nothing.
    expect(node.registerPeers(['10.0.0.2:5000'], 'client')).toMatchObject({ ok: true, totalNodes: ['node2:5000'] });
  });

  test('the IP first and the name after: kept under the IP', async () => {
    const { node, standIns } = peerWorld({ lookup: fakeDns({ node2: ['fd00::9', '10.0.0.2'] }) });
    for (const address of ['node2:5000', '10.0.0.2:5000']) standIns.set(address, { nodeId: 'node2', chain: honestChain });
    node.registerPeers(['10.0.0.2:5000', 'node2:5000'], 'client');
    await node.sync();
    expect(node.peers).toEqual(['10.0.0.2:5000']);
  });

  test('the same id on another port, or from a name resolving elsewhere, is no evidence', async () => {
    const { node, standIns } = peerWorld({ lookup: fakeDns({ node2: ['10.0.0.2'], other: ['10.0.0.3'] }) });
    const addresses = ['node2:5000', '10.0.0.2:5001', 'other:5000', 'unknown:5000'];
    for (const address of addresses) standIns.set(address, { nodeId: 'node2', chain: honestChain });
    node.registerPeers(addresses, 'client');
    await node.sync();
    expect(node.peers).toEqual(addresses);
  });
});
