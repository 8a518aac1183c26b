// How a lesson fails, against one in-process LAB=on node: each way reads as what went wrong, the
// exit is a refusal (1), and the steps after a failed action do not run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeVerdict } from '../../src/cli/node-client.ts';
import type { Requester } from '../../src/lessons/runner.ts';
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
  write(dir, 'wrong', `${MINE}    expect:\n      lengths: [3]\n      valid: [false]\n${MINE}    expect:\n      lengths: [3]\n`);
  const run = await runLessonCli(['run', 'wrong', '--nodes', node.url], { dir, settleMs: 0, timeoutMs: 300 });
  expect((run.error as Error).message).toBe('lesson wrong: 2 of 3 expectations failed');
  expect(run.out).toContain('✗ lengths 3: got 2 after 300 ms');
  expect(run.out).toContain('✗ chains valid: no: got yes after 300 ms');
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
  // Each step's narration comes before its pause: the class reads what is about to happen.
  expect(stopped.out).toMatch(/\n2\. one block\n$/);
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

test('the reset clears the faults an earlier experiment left: a pause and a mining timer', async () => {
  await using node = await startTestNode({ NODE_ID: 'node1', LAB: 'on', DIFFICULTY: '2' });
  expect((await call(`${node.url}/lab/mining`, { json: { mode: 'interval', seconds: 1 } })).status).toBe(200);
  expect((await call(`${node.url}/lab/pause`, { method: 'POST' })).status).toBe(200);
  const dir = lessonsDir();
  // With the timer left on, node 1 would have mined more blocks by the second check.
  write(
    dir,
    'clean',
    `${MINE}    expect:\n      lengths: [2]\n  - action: wait\n    ms: 2500\n    say: wait\n    expect:\n      lengths: [2]\n`,
  );
  const run = await runLessonCli(['run', 'clean', '--nodes', node.url], { dir, settleMs: 0, timeoutMs: 300 });
  expect({ error: run.error, out: run.out }).toEqual({ error: undefined, out: expect.stringContaining('all 2 expectations passed') });
  expect((await call(`${node.url}/lab`)).body).toMatchObject({ groups: null, links: [], paused: false, mining: { mode: 'manual' } });
});

/** A stand-in network of one node: each route's answer, by `METHOD path`; anything else is a 404 refusal. */
function stubNode(routes: Record<string, NodeVerdict>): Requester {
  return async (_base, method, path) =>
    routes[`${method} ${path}`] ?? { ok: false, reason: `no route ${path}`, status: 404, refusal: `no route ${path}` };
}
const answer = (body: unknown): NodeVerdict => ({ ok: true, value: { status: 200, body, text: JSON.stringify(body) } });
const HEALTHY = {
  'GET /health': answer({
    node_id: 'node1',
    mode: { tx_rule: 'signed', pow_rule: 'notebook', gossip: false, miner_address: 'a'.repeat(64) },
  }),
  'POST /lab/heal': answer({}),
  'POST /lab/mining': answer({}),
  'GET /lab': answer({ groups: null, links: [], paused: false }),
  'POST /lab/reset': answer({}),
  'GET /chain/tip': answer({ length: 1, hash: 'f'.repeat(64) }),
};

test('refused: counts only a node saying no (a 4xx with its reason), never a failure to answer that happens to match', async () => {
  const dir = lessonsDir();
  write(dir, 'vacuous', `${MINE}    expect:\n      refused: econnrefused\n`);
  const down: NodeVerdict = { ok: false, reason: 'POST http://x/mine: fetch failed (ECONNREFUSED)' };
  const run = await runLessonCli(['run', 'vacuous', '--nodes', 'http://x'], {
    dir,
    settleMs: 0,
    request: stubNode({ ...HEALTHY, 'POST /mine': down }),
  });
  expect(run.out).toContain('✗ mine refused, the node saying “…econnrefused…”: it was not refused but failed: node 1 (http://x): POST');
  expect((run.error as Error).message).toBe('lesson vacuous: 1 of 1 expectations failed');
});

test('what a node answers is checked before it is believed: a tip without a hash, a balance that is not a number', async () => {
  const dir = lessonsDir();
  write(dir, 'tips', `${MINE}`);
  const noHash = await runLessonCli(['run', 'tips', '--nodes', 'http://x'], {
    dir,
    settleMs: 0,
    request: stubNode({ ...HEALTHY, 'GET /chain/tip': answer({ length: 1 }) }),
  });
  expect((noHash.error as Error).message).toBe("lesson tips: node 1's GET /chain/tip has no length and hash");
  writeFileSync(
    join(dir, 'rich.yaml'),
    `title: t\nsummary: s\nnetwork:\n  nodes: 1\n  tx_rule: signed\nsteps:\n${MINE}    expect:\n      balances: { node: 1, accounts: { mallory: 0 } }\n`,
  );
  const rich = await runLessonCli(['run', 'rich', '--nodes', 'http://x'], {
    dir,
    settleMs: 0,
    timeoutMs: 200,
    request: async (base, method, path, json) =>
      path.startsWith('/accounts/')
        ? answer({ balance: null })
        : stubNode({ ...HEALTHY, 'POST /mine': answer({}) })(base, method, path, json),
  });
  expect(rich.out).toContain("✗ balances on node 1: mallory 0: could not check: node 1's GET /accounts gave no balance for mallory");
});

test('lesson list lists the lessons that parse and names the one that does not, exiting 1', async () => {
  const dir = lessonsDir();
  write(dir, 'good', MINE);
  writeFileSync(join(dir, 'bad.yaml'), 'title: t\n');
  const list = await runLessonCli(['list'], { dir });
  expect(list.out).toMatch(/^good +t\n$/);
  expect((list.error as Error).message).toMatch(/^1 lesson file\(s\) do not parse: lessons\/bad\.yaml:1: /);
});

test('without --nodes a lesson runs on CHAINLAB_NODES (the Compose file sets it inside the containers)', async () => {
  const dir = lessonsDir();
  write(dir, 'where', MINE);
  const asked = new Set<string>();
  const stub = stubNode({ ...HEALTHY, 'POST /mine': answer({}) });
  const run = await runLessonCli(
    ['run', 'where'],
    { dir, settleMs: 0, request: async (base, ...rest) => (asked.add(base), stub(base, ...rest)) },
    undefined,
    { CHAINLAB_NODES: 'http://node1:5000,http://node2:5000' },
  );
  expect(run.error).toBeUndefined();
  expect([...asked]).toEqual(['http://node1:5000']);
});

test('a network without the lab is told it needs LAB=on, and its chain is left alone', async () => {
  await using node = await startTestNode({ NODE_ID: 'node1', DIFFICULTY: '2' });
  expect((await call(`${node.url}/mine`)).status).toBe(200);
  const dir = lessonsDir();
  write(dir, 'nolab', MINE);
  const run = await runLessonCli(['run', 'nolab', '--nodes', node.url], { dir, settleMs: 0 });
  expect((run.error as Error).message).toMatch(
    /^lesson nolab: node 1 \(.*\): .*\(a lesson needs the lab: LAB=on, as in docker compose up\)$/,
  );
  expect((await call(`${node.url}/chain/tip`)).body.length).toBe(2);
});

test('a node that fails while the faults are cleared is reported as it is, not as a network without the lab', async () => {
  const dir = lessonsDir();
  writeFileSync(join(dir, 'two.yaml'), `title: t\nsummary: s\nnetwork:\n  nodes: 2\nsteps:\n${MINE}`);
  const down: NodeVerdict = { ok: false, reason: 'POST http://y/lab/mining: fetch failed (ECONNREFUSED)' };
  const one = stubNode(HEALTHY);
  const run = await runLessonCli(['run', 'two', '--nodes', 'http://x,http://y'], {
    dir,
    settleMs: 0,
    request: async (base, method, path, json) => (base === 'http://y' && path === '/lab/mining' ? down : one(base, method, path, json)),
  });
  expect((run.error as Error).message).toBe('lesson two: node 2 (http://y): POST http://y/lab/mining: fetch failed (ECONNREFUSED)');
});

test("a signed send takes the node's next nonce only when it is a whole number", async () => {
  const dir = lessonsDir();
  writeFileSync(
    join(dir, 'pay.yaml'),
    'title: t\nsummary: s\nnetwork:\n  nodes: 1\n  tx_rule: signed\nsteps:\n  - action: send\n    node: 1\n    from: alice\n    to: bob\n    amount: 1\n    say: x\n',
  );
  const stub = stubNode({ ...HEALTHY, 'POST /transactions/new': answer({}) });
  const run = await runLessonCli(['run', 'pay', '--nodes', 'http://x'], {
    dir,
    settleMs: 0,
    request: async (base, method, path, json) =>
      path.startsWith('/accounts/') ? answer({ next_nonce: 'NaN' }) : stub(base, method, path, json),
  });
  expect((run.error as Error).message).toBe('lesson pay: step 1 (line 7): send failed: node 1 gave no next_nonce for alice');
});
