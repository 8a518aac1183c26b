// Every lesson in lessons/ runs green against three in-process LAB=on nodes started with the
// settings it declares, through the command a class types: a lesson that no longer matches the
// code fails here first (and against the Compose network in e2e/lessons.test.ts).
import { readLessons } from '../../src/lessons/files.ts';
import type { Lesson } from '../../src/lessons/format.ts';
import { composeEnv } from '../../src/lessons/settings.ts';
import { runLessonCli } from '../support/lesson-cli.ts';
import { mesh } from '../support/mesh.ts';
import { call, startTestNode, type TestNode } from '../support/nodes.ts';

jest.setTimeout(120_000);

// A reset keeps each node quiet for RESET_QUIET_MS plus twice PEER_TIMEOUT_MS (1000 ms under startTestNode).
const SETTLE_MS = 4000;

const lessons = readLessons();

/** Lessons by the environment their network needs: one network per group. */
const groups = new Map<string, { env: Record<string, string>; names: string[]; lesson: Lesson }>();
for (const { name, lesson } of lessons) {
  const env = composeEnv(lesson.network);
  const key = JSON.stringify(env);
  const group = groups.get(key) ?? { env, names: [], lesson };
  group.names.push(name);
  groups.set(key, group);
}

test('the lessons are the ones the issue asks for, at least', () => {
  expect(lessons.map((l) => l.name)).toEqual(
    expect.arrayContaining(['notebook', 'fork', 'tampering-notebook', 'tampering-linked', 'forged-coins-open', 'forged-coins-signed']),
  );
});

describe.each([...groups.values()].map((group) => [JSON.stringify(group.env), group] as const))('under %s', (_, group) => {
  let nodes: TestNode[] = [];
  beforeAll(async () => {
    const env = (id: string) => ({ NODE_ID: id, LAB: 'on', GOSSIP: 'on', SYNC_INTERVAL_MS: '100', DIFFICULTY: '2', ...group.env });
    nodes = [await startTestNode(env('node1')), await startTestNode(env('node2')), await startTestNode(env('node3'))];
    await mesh(nodes, { waitForIds: group.env.GOSSIP !== 'off' });
    // Something to reset: a lesson starts from genesis whatever the network held.
    expect((await call(`${nodes[1]!.url}/mine`)).status).toBe(200);
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
  });

  test.each(group.names)('lesson %s runs green, twice in a row', async (name) => {
    const urls = nodes.map((node) => node.url).join(',');
    for (let run = 0; run < 2; run += 1) {
      const outcome = await runLessonCli(['run', name, '--nodes', urls], { settleMs: SETTLE_MS });
      expect({ error: (outcome.error as Error | undefined)?.message, out: outcome.out }).toEqual({
        error: undefined,
        out: expect.stringMatching(new RegExp(`lesson ${name}: all \\d+ expectations passed`)),
      });
      expect(outcome.out).not.toContain('✗');
    }
  });
});
