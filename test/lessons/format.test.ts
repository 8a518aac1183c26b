// The lesson format: what a bad file is told (one problem, with its line), what a good one becomes,
// and that every shipped lesson validates against lessons/lesson.schema.json.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PARTY, SCHEMA_PATH, parseLesson } from '../../src/lessons/format.ts';

const HEAD = 'title: t\nsummary: s\nnetwork:\n  nodes: 3\nsteps:\n'; // steps start on line 6
const SIGNED = 'title: t\nsummary: s\nnetwork:\n  nodes: 3\n  tx_rule: signed\nsteps:\n'; // line 7

const reasonOf = (text: string): string => {
  const verdict = parseLesson(text, 'f.yaml');
  if (verdict.ok) throw new Error('expected the lesson to be refused');
  return verdict.reason;
};

describe('a lesson with every action and expectation', () => {
  const text = `${SIGNED}  - action: mine
    node: 1
    say: Mine.
    expect: { lengths: [2, 1, 1], forked: true, valid: [true, true, false] }
  - action: send
    node: 2
    from: miner of node 1
    to: bob
    amount: 0.5
    signed_by: mallory
    say: Send.
    expect:
      refused: bad signature
      pending_contains: { node: 2, sender: miner of node 1, recipient: bob, amount: 0.5 }
  - action: partition
    groups: [[1, 2], [3]]
    say: Split.
  - action: heal
    say: Heal.
  - action: resolve
    node: 3
    say: Resolve.
    expect:
      chain_contains: { node: 3, amount: 1 }
  - action: tamper
    node: 3
    index: 2
    transaction: 0
    amount: -4
    rehash: false
    say: Tamper.
  - action: reset
    node: 3
    say: Reset.
    expect:
      balances: { node: 1, accounts: { miner of node 2: 1, alice: 0 } }
  - action: wait
    ms: 0
    say: Wait.
`;

  test('comes back typed, with the line of each step and no field it did not give', () => {
    expect(parseLesson(text, 'f.yaml')).toStrictEqual({
      ok: true,
      value: {
        title: 't',
        summary: 's',
        network: { nodes: 3, tx_rule: 'signed' },
        steps: [
          { action: 'mine', node: 1, say: 'Mine.', line: 7, expect: { lengths: [2, 1, 1], forked: true, valid: [true, true, false] } },
          {
            action: 'send',
            node: 2,
            from: 'miner of node 1',
            to: 'bob',
            amount: 0.5,
            signed_by: 'mallory',
            say: 'Send.',
            line: 11,
            expect: {
              refused: 'bad signature',
              pending_contains: { node: 2, sender: 'miner of node 1', recipient: 'bob', amount: 0.5 },
            },
          },
          { action: 'partition', groups: [[1, 2], [3]], say: 'Split.', line: 21 },
          { action: 'heal', say: 'Heal.', line: 24 },
          { action: 'resolve', node: 3, say: 'Resolve.', line: 26, expect: { chain_contains: { node: 3, amount: 1 } } },
          { action: 'tamper', node: 3, index: 2, transaction: 0, amount: -4, rehash: false, say: 'Tamper.', line: 31 },
          {
            action: 'reset',
            node: 3,
            say: 'Reset.',
            line: 38,
            expect: { balances: { node: 1, accounts: { 'miner of node 2': 1, alice: 0 } } },
          },
          { action: 'wait', ms: 0, say: 'Wait.', line: 43 },
        ],
      },
    });
  });
});

test.each([
  ['gossip: off\n', 'off'],
  ['gossip: on\n', 'on'],
  ["gossip: 'off'\n", 'off'],
  ['pow_rule: linked\n', undefined],
])('network %j: YAML 1.2 reads on and off as text', (line, gossip) => {
  const verdict = parseLesson(`title: t\nsummary: s\nnetwork:\n  nodes: 1\n  ${line}steps:\n  - action: heal\n    say: x\n`, 'f.yaml');
  expect(verdict.ok && verdict.value.network.gossip).toBe(gossip);
});

describe('refused, with file, line, step and one plain reason', () => {
  test.each([
    [
      'an unknown action',
      `${HEAD}  - action: heal\n    say: x\n  - action: mien\n    say: x\n`,
      "f.yaml:8: step 2: unknown action 'mien' (expected one of mine, send, partition, heal, resolve, tamper, reset, wait)",
    ],
    [
      'a step without an action',
      `${HEAD}  - say: x\n`,
      "f.yaml:6: step 1: a step needs 'action' (one of mine, send, partition, heal, resolve, tamper, reset, wait)",
    ],
    ['a missing field', `${HEAD}  - action: mine\n    say: x\n`, "f.yaml:6: step 1: action 'mine' needs 'node'"],
    ['a missing say', `${HEAD}  - action: mine\n    node: 1\n`, "f.yaml:6: step 1: action 'mine' needs 'say'"],
    [
      // Both unknown and (as `node`) missing: the field that is there is the one to point at.
      'an extra field',
      `${HEAD}  - action: mine\n    say: x\n    nodes: 1\n`,
      "f.yaml:8: step 1: action 'mine': unknown field 'nodes' (expected action, node, say, expect)",
    ],
    [
      'an unknown top-level field',
      `${HEAD}  - action: heal\n    say: x\nauthor: me\n`,
      "f.yaml:8: the lesson: unknown field 'author' (expected title, summary, network, steps)",
    ],
    ['a missing top-level field', 'title: t\nsummary: s\nsteps: []\n', "f.yaml:1: the lesson needs 'network'"],
    ['a wrong type', `${HEAD}  - action: wait\n    say: x\n    ms: soon\n`, 'f.yaml:8: step 1: ms must be a whole number'],
    ['an empty value', `${HEAD}  - action: heal\n    say: x\n    expect:\n`, 'f.yaml:8: step 1: expect must be a mapping (it is empty)'],
    [
      'an infinite amount',
      `${HEAD}  - action: send\n    say: x\n    node: 1\n    from: a\n    to: b\n    amount: .inf\n`,
      'f.yaml:11: step 1: amount must be a number (it is Infinity)',
    ],
    [
      'a zero amount',
      `${HEAD}  - action: send\n    say: x\n    node: 1\n    from: a\n    to: b\n    amount: 0\n`,
      'f.yaml:11: step 1: amount must be more than 0',
    ],
    ['a wait too long', `${HEAD}  - action: wait\n    say: x\n    ms: 10001\n`, 'f.yaml:8: step 1: ms must be ≤ 10000'],
    [
      'an unknown setting value',
      'title: t\nsummary: s\nnetwork:\n  nodes: 1\n  gossip: false\nsteps: []\n',
      'f.yaml:5: network.gossip must be one of on, off (it is false)',
    ],
    ['no steps', 'title: t\nsummary: s\nnetwork:\n  nodes: 1\nsteps: []\n', 'f.yaml:5: steps must list at least 1'],
    ['a blank narration', `${HEAD}  - action: heal\n    say: '  '\n`, 'f.yaml:7: step 1: say must not be blank'],
    [
      'a bad party',
      `${HEAD}  - action: send\n    say: x\n    node: 1\n    from: Alice\n    to: b\n    amount: 1\n`,
      "f.yaml:9: step 1: from must be a party: a lower-case name (as in alice) or 'miner of node N' (it is 'Alice')",
    ],
    [
      'a node beyond the network',
      `${HEAD}  - action: heal\n    say: x\n  - action: mine\n    say: y\n    node: 4\n`,
      'f.yaml:10: step 2: node must be a node position from 1 to 3 (the network has 3 nodes)',
    ],
    [
      'a node beyond any network',
      `${HEAD}  - action: reset\n    say: x\n    node: 17\n`,
      'f.yaml:8: step 1: node must be a node position from 1 to 3 (the network has 3 nodes)',
    ],
    [
      'the miner of a node beyond the network',
      `${HEAD}  - action: send\n    say: x\n    node: 1\n    from: miner of node 9\n    to: b\n    amount: 1\n`,
      "f.yaml:9: step 1: from: 'miner of node 9' names node 9, but the network has 3 nodes",
    ],
    [
      'a match on a node beyond the network',
      `${HEAD}  - action: heal\n    say: x\n    expect:\n      chain_contains:\n        node: 1\n        recipient: miner of node 4\n`,
      "f.yaml:11: step 1: expect.chain_contains.recipient: 'miner of node 4' names node 4, but the network has 3 nodes",
    ],
    [
      'a pool on a node beyond the network',
      `${HEAD}  - action: heal\n    say: x\n    expect:\n      pending_contains: { node: 4, amount: 1 }\n`,
      'f.yaml:9: step 1: expect.pending_contains.node must be a node position from 1 to 3 (the network has 3 nodes)',
    ],
    [
      'balances on a node beyond the network',
      `${SIGNED}  - action: heal\n    say: x\n    expect:\n      balances: { node: 4, accounts: { bob: 1 } }\n`,
      'f.yaml:10: step 1: expect.balances.node must be a node position from 1 to 3 (the network has 3 nodes)',
    ],
    [
      'a group member beyond the network',
      `${HEAD}  - action: partition\n    say: x\n    groups: [[1], [4]]\n`,
      'f.yaml:8: step 1: groups[1][0] must be a node position from 1 to 3 (the network has 3 nodes)',
    ],
    [
      'a node in two groups',
      `${HEAD}  - action: partition\n    say: x\n    groups:\n      - [1, 2]\n      - [2]\n`,
      'f.yaml:10: step 1: groups name node 2 twice (a node is in one group at most)',
    ],
    [
      'an empty group',
      `${HEAD}  - action: partition\n    say: x\n    groups: [[1], []]\n`,
      'f.yaml:8: step 1: groups[1] must list at least 1',
    ],
    [
      'lengths of the wrong count',
      `${HEAD}  - action: mine\n    node: 1\n    say: x\n    expect:\n      lengths: [2, 2]\n`,
      'f.yaml:10: step 1: expect.lengths must list 3 chain lengths, one per node (it lists 2)',
    ],
    [
      'valid of the wrong count',
      `${HEAD}  - action: mine\n    node: 1\n    say: x\n    expect:\n      valid: [true, true, true, true]\n`,
      'f.yaml:10: step 1: expect.valid must list 3 verdicts, one per node (it lists 4)',
    ],
    [
      'signed_by under tx_rule open',
      `title: t\nsummary: s\nnetwork:\n  nodes: 3\n  tx_rule: open\nsteps:\n  - action: send\n    say: x\n    node: 1\n    from: a\n    to: b\n    amount: 1\n    signed_by: a\n`,
      "f.yaml:13: step 1: signed_by is for network.tx_rule: signed only (this lesson's is open)",
    ],
    [
      'balances with no tx_rule',
      `${HEAD}  - action: heal\n    say: x\n    expect:\n      balances: { node: 1, accounts: { alice: 1 } }\n`,
      'f.yaml:9: step 1: expect.balances is for network.tx_rule: signed only (this lesson does not set tx_rule)',
    ],
    [
      'a balance of a miner beyond the network',
      `${SIGNED}  - action: heal\n    say: x\n    expect:\n      balances:\n        node: 1\n        accounts:\n          alice: 1\n          miner of node 5: 1\n`,
      "f.yaml:14: step 1: expect.balances.accounts.miner of node 5: 'miner of node 5' names node 5, but the network has 3 nodes",
    ],
    [
      'a balance of no party',
      `${SIGNED}  - action: heal\n    say: x\n    expect:\n      balances:\n        node: 1\n        accounts:\n          Alice: 1\n`,
      "f.yaml:13: step 1: expect.balances.accounts: 'Alice' is not a party: a lower-case name (as in alice) or 'miner of node N'",
    ],
    [
      'refused on a wait',
      `${HEAD}  - action: wait\n    ms: 1\n    say: x\n    expect:\n      refused: no\n`,
      'f.yaml:10: step 1: expect.refused cannot be on a wait: a wait asks no node anything',
    ],
    ['a YAML syntax error', `${HEAD}  - action: mine\n    say: x: y\n`, 'f.yaml:7: not valid YAML: '],
    [
      'a duplicate key',
      `${HEAD}  - action: mine\n    node: 1\n    node: 2\n    say: x\n`,
      'f.yaml:8: a key appears twice in the same mapping',
    ],
    ['two documents', `${HEAD}  - action: heal\n    say: x\n---\n`, 'f.yaml:8: a lesson is one YAML document (there is a second ---)'],
    ['not a mapping', '- action: heal\n', 'f.yaml:1: the lesson must be a mapping'],
    ['an empty file', '', 'f.yaml:1: the lesson must be a mapping (it is empty)'],
  ])('%s', (_what, text, reason) => {
    const got = reasonOf(text);
    // A reason ending in ': ' is yaml's own wording after it, which is not ours to pin down.
    expect(reason.endsWith(': ') ? got.slice(0, reason.length) : got).toBe(reason);
  });

  test('the first problem in the file, when there are several', () => {
    const text = `${HEAD}  - action: mine\n    say: x\n  - action: mien\n    say: y\ntitle2: z\n`;
    expect(reasonOf(text)).toBe("f.yaml:6: step 1: action 'mine' needs 'node'");
  });

  test('a file too long, before any parsing', () => {
    const text = `${HEAD}  - action: heal\n    say: x\n${'#'.repeat(200_000)}\n`;
    expect(reasonOf(text)).toBe('f.yaml:1: longer than 200000 characters (a lesson is a few pages)');
  });

  test('an alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefg')
      lines.push(
        `${name}: &${name} [${Array(10)
          .fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );
    expect(reasonOf(`${lines.join('\n')}\n`)).toMatch(/^f\.yaml:1: .*alias/i);
  });
});

describe('lessons/lesson.schema.json', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));

  test('sits in lessons/ beside the lessons', () => {
    expect(basename(dirname(SCHEMA_PATH))).toBe('lessons');
    expect(schema.$id).toMatch(/lesson\.schema\.json$/);
  });

  test("names a party as format.ts's PARTY does", () => {
    expect(schema.$defs.party.pattern).toBe(PARTY.source);
  });
});

test('every lesson in lessons/ validates', () => {
  const dir = dirname(SCHEMA_PATH);
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
  expect(files.length).toBeGreaterThanOrEqual(2);
  for (const name of files)
    expect([name, parseLesson(readFileSync(join(dir, name), 'utf8'), `lessons/${name}`)]).toMatchObject([name, { ok: true }]);
});
