import { eventually } from './eventually.ts';
import { call, type TestNode } from './nodes.ts';

/**
 * Registers every node with every other and waits until each knows the others' ids (lab partitions
 * name nodes by id); with `waitForIds` false it does not wait (under GOSSIP=off a node learns no id).
 */
export async function mesh(nodes: TestNode[], { waitForIds = true } = {}): Promise<void> {
  for (const node of nodes) {
    const others = nodes.filter((other) => other !== node).map((other) => other.address);
    expect((await call(`${node.url}/nodes/register`, { json: { nodes: others } })).status).toBe(201);
  }
  if (!waitForIds) return;
  await eventually(async () => {
    for (const node of nodes) {
      const { nodes: peers } = (await call(`${node.url}/nodes`)).body as { nodes: { node_id: string | null }[] };
      expect(peers.map((peer) => peer.node_id).filter((id) => id !== null)).toHaveLength(nodes.length - 1);
    }
  });
}
