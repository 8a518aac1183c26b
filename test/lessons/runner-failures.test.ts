// How a lesson fails, against one in-process LAB=on node: each way reads as what went wrong, the
// exit is a refusal (1), and the steps after a failed action do not run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLessonCli } from '../support/lesson-cli.ts';
import { call, startTestNode } from '../support/nodes.ts';

jest.setTimeout(60_000);

const HEAD = 'title: t\nsummary: s\nnetwork:\n  nodes: 1\n';
const lessonsDir = () => mkdtempSync(join(tmpdir(), 'lessons-'));
const write = (dir: string, name: string, steps: string) => writeFileSync(join(dir, `${name}.yaml`), `${HEAD}steps:\n${steps}`);
const MINE = '  - action: mine\n    node: 1\n    say: one block\n';

test('a wrong expectation fails the lesson with what was seen, and the run goes on to the end', async () => {
  await using node = await startTestNode({ NODE_ID: 'node1', LAB: 'on', DIFFICULTY: '2' });
  const dir = lessonsDir();
  write(dir, 'wrong', `${MINE}    expect:\n      lengths: [3]\n      forked: true\n${MINE}    expect:\n      lengths: [3]\n`);
  const run = await runLessonCli(['run', 'wrong', '--nodes', node.url], { dir, settleMs: 0, timeoutMs: 300 });
  expect((run.error as Error).message).toBe('lesson wrong: 2 of 3 expectations failed');
  expect(run.out).toContain('✗ lengths 3: got 2 after 300 ms');
  expect(run.out).toMatch(/✗ the nodes' tips differ: a fork: tips [0-9a-f]{12} after 300 ms/);
  expect(run.out).toContain('✓ lengths 3');
});

test('refused: passes only when the node refuses for that reason, and fails when it accepts', async () => {
  await using node = await startTestNode({ NODE_ID: 'node1', LAB: 'on', DIFFICULTY: '2' });
  const dir = lessonsDir();
  const tamper = (index: number, refused: string) =>
    `  - action: tamper\n    node: 1\n    index: ${index}\n    amount: 9\n    say: x\n    expect:\n      refused: ${refused}\n`;
  write(dir, 'refusals', `${MINE}${tamper(99, 'PAST THE TIP')}${tamper(99, 'no such luck')}${tamper(2, 'anything')}`);
  const run = await runLessonCli(['run', 'refusals', '--nodes', node.url], { dir, settleMs: 0 });
  expect((run.error as Error).message).toBe('lesson refusals: 2 of 3 expectations failed');
  const lines = run.out.split('\n').filter((line) => /^ {3}[✓✗]/.test(line));
  expect(lines).toEqual([
    expect.stringMatching(/^ {3}✓ tamper refused: node 1 \(.*\): .*past the tip/i),
    expect.stringMatching(/^ {3}✗ tamper refused, the node saying “…no such luck…”: refused for another reason: /),
    '   ✗ tamper refused, the node saying “…anything…”: it was accepted',
  ]);
});

test('a failed action stops the lesson there, naming the step and its line', async () => {
  await using node = await startTestNode({ NODE_ID: 'node1', LAB: 'on', DIFFICULTY: '2' });
  const dir = lessonsDir();
  write(dir, 'broken', `  - action: tamper\n    node: 1\n    index: 5\n    amount: 9\n    say: out of range\n${MINE}`);
  const run = await runLessonCli(['run', 'broken', '--nodes', node.url], { dir, settleMs: 0 });
  expect((run.error as Error).message).toMatch(/^lesson broken: step 1 \(line 6\): tamper failed: node 1 \(.*\): /);
  expect(run.out).not.toContain('one block');
  expect((await call(`${node.url}/chain/tip`)).body.length).toBe(1);
});

test('--step waits for Enter before each step, q stops, and --json prints the report alone', async () => {
  await using node = await startTestNode({ NODE_ID: 'node1', LAB: 'on', DIFFICULTY: '2' });
  const dir = lessonsDir();
  write(dir, 'two', `${MINE}    expect:\n      lengths: [2]\n${MINE}`);
  const stopped = await runLessonCli(['run', 'two', '--nodes', node.url, '--step'], { dir, settleMs: 0 }, ['', 'q']);
  expect((stopped.error as Error).message).toBe('stopped before step 2');
  expect(stopped.err.match(/press Enter/g)).toHaveLength(2);
  expect((await call(`${node.url}/chain/tip`)).body.length).toBe(2);

  const json = await runLessonCli(['run', 'two', '--nodes', node.url, '--json'], { dir, settleMs: 0 });
  expect(json.error).toBeUndefined();
  expect(JSON.parse(json.out)).toEqual({
    name: 'two',
    passed: 1,
    failed: 0,
    steps: [
      { step: 1, action: 'mine', line: 6, checks: [{ ok: true, line: 'lengths 2' }] },
      { step: 2, action: 'mine', line: 11, checks: [] },
    ],
  });
});

test('a network under other rules is told how to start the right one, and nothing is reset', async () => {
  await using node = await startTestNode({ NODE_ID: 'node1', LAB: 'on', DIFFICULTY: '2' });
  expect((await call(`${node.url}/mine`)).status).toBe(200);
  const dir = lessonsDir();
  writeFileSync(
    join(dir, 'signed.yaml'),
    'title: t\nsummary: s\nnetwork:\n  nodes: 1\n  tx_rule: signed\nsteps:\n  - action: heal\n    say: x\n',
  );
  writeFileSync(
    join(dir, 'quiet.yaml'),
    "title: t\nsummary: s\nnetwork:\n  nodes: 1\n  gossip: 'on'\nsteps:\n  - action: heal\n    say: x\n",
  );
  const signed = await runLessonCli(['run', 'signed', '--nodes', node.url], { dir });
  expect((signed.error as Error).message).toBe(
    'lesson signed: node 1 runs TX_RULE=open; this lesson needs TX_RULE=signed docker compose up',
  );
  const quiet = await runLessonCli(['run', 'quiet', '--nodes', node.url], { dir });
  expect((quiet.error as Error).message).toBe('lesson quiet: node 1 runs GOSSIP=off; this lesson needs GOSSIP=on docker compose up');
  expect((await call(`${node.url}/chain/tip`)).body.length).toBe(2);
});

test('list and show read lessons/, and a bad lesson name is refused', async () => {
  const list = await runLessonCli(['list', '--json']);
  expect(JSON.parse(list.out).map((l: { name: string }) => l.name)).toEqual(expect.arrayContaining(['fork', 'notebook']));
  const show = await runLessonCli(['show', 'forged-coins-signed']);
  expect(show.out).toContain('network: 3 nodes; TX_RULE=signed; POW_RULE any; GOSSIP=on\nstart it with: TX_RULE=signed docker compose up');
  expect(show.out).toContain('1. [mine] Node 1 mines block 2');
  expect(JSON.parse((await runLessonCli(['show', 'fork', '--json'])).out)).toMatchObject({ name: 'fork', network: { nodes: 3 } });
  expect(((await runLessonCli(['show', '../etc/passwd'])).error as Error).message).toMatch(/no lesson '\.\.\/etc\/passwd'/);
});
