// The lesson format: what a bad file is told (with its line), and that every shipped lesson validates.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLesson } from '../../src/lessons/format.ts';

const HEAD = 'title: t\nsummary: s\nnetwork:\n  nodes: 3\nsteps:\n';

test.each([
  [
    '  - action: mien\n    say: x\n',
    "f.yaml:6: step 1: unknown action 'mien' (expected one of mine, send, partition, heal, resolve, wait)",
  ],
  [
    '  - action: heal\n    say: x\n  - action: mine\n    say: y\n    node: 4\n',
    'f.yaml:10: step 2: node must be a whole number from 1 to 3',
  ],
  ['  - action: wait\n    say: x\n    ms: 10001\n', 'f.yaml:8: step 1: ms must be a whole number from 0 to 10000'],
  ['  - action: partition\n    say: x\n    groups: [[1, 2], [2]]\n', 'f.yaml:8: step 1: groups must be lists of node positions'],
  ['  - action: heal\n    say: x\n    node: 1\n', "f.yaml:8: step 1: action 'heal': unknown field 'node'"],
  [
    '  - action: mine\n    node: 1\n    say: x\n    expect:\n      lengths: [2, 2]\n',
    'f.yaml:10: step 1: expect.lengths must list 3 chain lengths',
  ],
  ['  - action: mine\n    node: 1\n', 'f.yaml:6: step 1: say must be a non-empty text'],
  ['  - [unclosed\n', 'f.yaml:'],
])('refused with file, line and step: %j', (steps, reason) => {
  const verdict = parseLesson(HEAD + steps, 'f.yaml');
  expect(verdict.ok).toBe(false);
  expect(!verdict.ok && verdict.reason).toContain(reason);
});

test('a good lesson comes back typed, with the line of each step', () => {
  const verdict = parseLesson(
    `${HEAD}  - action: send\n    say: x\n    node: 2\n    from: a\n    to: b\n    amount: 5\n    expect:\n      pending_contains: {node: 2, sender: a}\n`,
    'f.yaml',
  );
  expect(verdict).toEqual({
    ok: true,
    value: {
      title: 't',
      summary: 's',
      network: { nodes: 3 },
      steps: [
        {
          action: 'send',
          say: 'x',
          node: 2,
          from: 'a',
          to: 'b',
          amount: 5,
          line: 6,
          expect: { pending_contains: { node: 2, sender: 'a' } },
        },
      ],
    },
  });
});

test('every lesson in lessons/ validates', () => {
  const dir = join(__dirname, '../../lessons');
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
  expect(files.length).toBeGreaterThanOrEqual(2);
  for (const name of files) expect(parseLesson(readFileSync(join(dir, name), 'utf8'), `lessons/${name}`)).toMatchObject({ ok: true });
});
