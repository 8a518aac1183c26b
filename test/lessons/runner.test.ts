// The lessons run against three in-process LAB=on nodes: the fork lesson runs green through the
// command, a wrong expectation fails it, and a network under other rules is told what it needs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Refused, type CliIo } from '../../src/cli/commands/common.ts';
import { lessonCommand } from '../../src/lessons/command.ts';
import { mesh } from '../support/mesh.ts';
import { call, startTestNode } from '../support/nodes.ts';

jest.setTimeout(60_000);

// A reset keeps each node quiet for RESET_QUIET_MS plus twice PEER_TIMEOUT_MS (1000 ms under startTestNode).
const SETTLE_MS = 4000;
const env = (id: string) => ({ NODE_ID: id, LAB: 'on', GOSSIP: 'on', SYNC_INTERVAL_MS: '100', DIFFICULTY: '2' });

async function lesson(argv: string[], dir?: string, timeoutMs?: number): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const io: CliIo = { stdout: (text) => void (out += text), stderr: (text) => void (out += text), env: {} };
  const command = lessonCommand(io, {
    settleMs: SETTLE_MS,
    ...(dir === undefined ? {} : { dir }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  command.exitOverride();
  try {
    await command.parseAsync(argv, { from: 'user' });
    return { out };
  } catch (error) {
    return { out, error };
  }
}

const HEAD = 'title: t\nsummary: s\nnetwork:\n  nodes: 3\n';

test('the fork and notebook lessons run green on three nodes, and a lesson whose expectation is wrong fails', async () => {
  await using node1 = await startTestNode(env('node1'));
  await using node2 = await startTestNode(env('node2'));
  await using node3 = await startTestNode(env('node3'));
  const nodes = [node1, node2, node3];
  await mesh(nodes);
  // Something to reset: the lesson must start from genesis whatever the network held.
  expect((await call(`${node2.url}/mine`)).status).toBe(200);
  const urls = nodes.map((node) => node.url).join(',');

  const fork = await lesson(['run', 'fork', '--nodes', urls]);
  expect(fork.error).toBeUndefined();
  expect(fork.out).toContain('# A fork, and its healing');
  expect(fork.out).toContain('✓ lengths 3, 3, 2');
  expect(fork.out).toContain(`✓ node 3's pending transactions hold {"sender":"carol","recipient":"dave","amount":7}`);
  expect(fork.out).toContain('lesson fork: all 3 expectations passed');
  expect(fork.out).not.toContain('✗');
  const notebook = await lesson(['run', 'notebook', '--nodes', urls]);
  expect(notebook.error).toBeUndefined();
  expect(notebook.out).toContain('lesson notebook: all 2 expectations passed');

  const dir = mkdtempSync(join(tmpdir(), 'lessons-'));
  writeFileSync(
    join(dir, 'wrong.yaml'),
    `${HEAD}steps:\n  - action: mine\n    node: 1\n    say: one block\n    expect:\n      lengths: [3, 3, 3]\n`,
  );
  const wrong = await lesson(['run', 'wrong', '--nodes', urls], dir, 1000);
  expect(wrong.error).toBeInstanceOf(Refused);
  expect((wrong.error as Error).message).toBe('lesson wrong: 1 of 1 expectations failed');
  expect(wrong.out).toMatch(/✗ lengths 3, 3, 3: got 2, [12], [12] after 1000 ms/);
});

test('a network under other rules is told how to start the right one, and nothing is reset', async () => {
  await using node1 = await startTestNode(env('node1'));
  expect((await call(`${node1.url}/mine`)).status).toBe(200);
  const dir = mkdtempSync(join(tmpdir(), 'lessons-'));
  writeFileSync(
    join(dir, 'signed.yaml'),
    'title: t\nsummary: s\nnetwork:\n  nodes: 1\n  tx_rule: signed\nsteps:\n  - action: heal\n    say: x\n',
  );
  const outcome = await lesson(['run', 'signed', '--nodes', node1.url], dir);
  expect((outcome.error as Error).message).toBe(
    'lesson signed: node 1 runs TX_RULE=open; this lesson needs TX_RULE=signed docker compose up',
  );
  expect((await call(`${node1.url}/chain/tip`)).body.length).toBe(2);
});

test('list and show read lessons/, and a bad lesson name is refused', async () => {
  const list = await lesson(['list', '--json']);
  expect(JSON.parse(list.out).map((l: { name: string }) => l.name)).toEqual(expect.arrayContaining(['fork', 'notebook']));
  const show = await lesson(['show', 'notebook']);
  expect(show.out).toContain('1. [mine] Node 1 mines block 2');
  expect(((await lesson(['show', '../etc/passwd'])).error as Error).message).toMatch(/no lesson '\.\.\/etc\/passwd'/);
});
