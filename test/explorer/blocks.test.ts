// GET /blocks: any stretch of this node's chain by position, at most 100 blocks, as the page pages
// back through a long chain; each answer held to the OpenAPI document.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildChain, storeChain } from '../../bench/chain-fixture.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { call, startTestNode, type TestNode } from '../support/nodes.ts';

const chain = buildChain(300);

describe('GET /blocks', () => {
  let dir: string;
  let node: TestNode;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chainlab-blocks-'));
    await storeChain(dir, chain);
    node = await startTestNode({ DATA_DIR: dir });
  });
  afterAll(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function blocks(query: string, status = 200) {
    const path = `/blocks${query}`;
    const answer = await call(`${node.url}${path}`);
    expect({ path, status: answer.status }).toEqual({ path, status });
    expectMatchesContract('GET', path, answer.status, answer.body);
    return answer.body;
  }
  /** What the answer lists, as positions and whether each block is the chain's own at that position. */
  const positions = (body: { from: number; blocks: { hash: string; block: { index: number } }[] }) =>
    body.blocks.map(({ hash, block }, i) => [block.index, body.from + i, hash === hashBlock(chain[body.from + i - 1]!)]);
  const expected = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => [from + i, from + i, true]);

  test.each([
    ['', 201, 300],
    ['?to=150', 51, 150],
    ['?to=5', 1, 5],
    ['?to=1000', 201, 300],
    ['?from=1', 1, 100],
    ['?from=250', 250, 300],
  ])('%s lists blocks %i to %i, oldest first, with the chain length', async (query, from, to) => {
    const body = await blocks(query);
    expect({ length: body.length, from: body.from }).toEqual({ length: 300, from });
    expect(positions(body)).toEqual(expected(from, to));
  });

  test('from past the tip lists none', async () => {
    expect(await blocks('?from=301')).toEqual({ length: 300, from: 301, blocks: [] });
  });

  test.each(['?to=0', '?from=x', '?to=1.5', '?from=-3', '?to=99999999999999999', '?from=1&to=2', '?to=1&to=2'])(
    '%s is refused, and says why',
    async (query) => {
      const body = await blocks(query, 400);
      expect(body.error).toMatch(/^(from|to) must be a block index|^give from or to, not both/);
    },
  );
});
