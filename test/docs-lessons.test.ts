// docs/lessons/: a page per lesson, rendered from the parsed Lesson (tools/docs/lessons.ts), and the
// generator's handling of lessons added, removed or broken (tools/docs/generate.ts).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lesson, Step } from '../src/lessons/format.ts';
import { generateDocs } from '../tools/docs/generate.ts';
import { composeCommand } from '../src/lessons/settings.ts';
import { actionText, expectationText, lessonMarkdown, lessonsIndexMarkdown } from '../tools/docs/lessons.ts';

const step = (fields: Record<string, unknown>): Step => ({ say: 'Narration.', line: 1, ...fields }) as unknown as Step;

describe('a lesson page', () => {
  test.each([
    [{ action: 'mine', node: 1 }, '**mine** on node 1'],
    [{ action: 'send', node: 1, from: 'alice', to: 'bob', amount: 5 }, '**send** 5 from alice to bob through node 1'],
    [
      { action: 'send', node: 1, from: 'alice', to: 'bob', amount: 5, signed_by: 'mallory' },
      '**send** 5 from alice to bob through node 1 (signed by mallory)',
    ],
    [{ action: 'partition', groups: [[1, 2], [3]] }, '**partition** nodes 1, 2 / 3'],
    [{ action: 'heal' }, '**heal**'],
    [{ action: 'resolve', node: 2 }, '**resolve** on node 2'],
    [
      { action: 'tamper', node: 3, index: 2, transaction: 0, amount: 1000, rehash: true },
      "**tamper** with block 2 of node 3: transaction 0's amount becomes 1000, later blocks relinked",
    ],
    [
      { action: 'tamper', node: 3, index: 2, amount: 1000 },
      "**tamper** with block 2 of node 3: transaction 0's amount becomes 1000, later blocks left as they were",
    ],
    [{ action: 'reset', node: 3 }, '**reset** node 3 alone to genesis'],
    [{ action: 'wait', ms: 500 }, '**wait** 500 ms'],
  ])('renders the action %j', (fields, text) => {
    expect(actionText(step(fields))).toBe(text);
  });

  test('shows an action, or a field of one, it does not know as key: JSON, rather than dropping it or throwing', () => {
    expect(actionText(step({ action: 'crash', node: 2, for_ms: 300 }))).toBe('**crash** (`node: 2`, `for_ms: 300`)');
    expect(actionText(step({ action: 'mine', node: 1, count: 2 }))).toBe('**mine** on node 1 (`count: 2`)');
    expect(actionText(step({ action: 'heal', note: 'a `tick`' }))).toBe('**heal** (`` note: "a `tick`" ``)');
  });

  test.each([
    ['lengths', [3, 3, 2], 'lengths 3, 3, 2'],
    ['forked', true, "the nodes' tips differ"],
    ['forked', false, 'all nodes on one tip'],
    ['valid', [true, true, false], 'chain valid on nodes: yes, yes, no'],
    [
      'pending_contains',
      { node: 3, sender: 'carol', recipient: 'dave', amount: 7 },
      "node 3's pool holds a transaction from carol to dave of 7",
    ],
    ['chain_contains', { node: 1, recipient: 'miner of node 1' }, "node 1's chain holds a transaction to miner of node 1"],
    ['chain_contains', { node: 1 }, "node 1's chain holds a transaction"],
    ['balances', { node: 2, accounts: { mallory: 0, 'miner of node 1': 1 } }, 'balances on node 2: mallory 0, miner of node 1 1'],
    ['refused', 'insufficient funds', 'the node refuses it, saying “insufficient funds”'],
  ])('renders the expectation %s: %j', (key, value, text) => {
    expect(expectationText(key, value)).toBe(text);
  });

  test('shows an expectation it does not know, or of an unexpected shape, as key: JSON', () => {
    expect(expectationText('peers', { node: 1, count: 2 })).toBe('`peers: {"node":1,"count":2}`');
    expect(expectationText('lengths', 3)).toBe('`lengths: 3`');
    expect(expectationText('pending_contains', { node: 3, fee: 1 })).toBe("node 3's pool holds a transaction (`fee: 1`)");
    expect(expectationText('balances', { node: [2], accounts: { alice: { coins: 1 } } })).toBe('balances on node [2]: alice {"coins":1}');
  });

  test.each([
    [{ nodes: 3 }, 'docker compose up'],
    [{ nodes: 3, tx_rule: 'open', pow_rule: 'notebook', gossip: 'on' }, 'docker compose up'],
    [{ nodes: 3, tx_rule: 'signed' }, 'TX_RULE=signed docker compose up'],
    [{ nodes: 3, gossip: 'off' }, 'GOSSIP=off docker compose up'],
    [{ nodes: 3, tx_rule: 'signed', pow_rule: 'linked', gossip: 'off' }, 'TX_RULE=signed POW_RULE=linked GOSSIP=off docker compose up'],
  ])('a network of %j is started by %s', (network, command) => {
    expect(composeCommand(network as Lesson['network'])).toBe(command);
  });

  const lesson: Lesson = {
    title: 'A | small\nlesson',
    summary: 'What it\nshows.\n',
    network: { nodes: 3, tx_rule: 'signed', colour: 'blue' } as Lesson['network'],
    steps: [
      step({ action: 'mine', node: 1, say: 'Mine\n  a block.\n', expect: { lengths: [2, 1, 1], forked: true } }),
      step({ action: 'heal' }),
    ],
  };

  test('has the title, how to run it, the summary, the needs, and the steps with their expectations', () => {
    const lines = lessonMarkdown('small', lesson).split('\n');
    expect(lines[0]).toBe('# A | small lesson');
    expect(lines).toContain(
      'Generated from [lessons/small.yaml](../../lessons/small.yaml) by `npm run docs`; run it with `npx chainlab lesson run small` (after `npm run build`) against a network started as `TX_RULE=signed docker compose up`.',
    );
    expect(lines).toContain('What it shows.');
    expect(lines).toEqual(
      expect.arrayContaining([
        '- 3 nodes',
        '- transactions: `TX_RULE=signed`',
        '- proof of work: any `POW_RULE`',
        '- gossip: any `GOSSIP`',
        '- `colour: "blue"`',
      ]),
    );
    const steps = lines.slice(lines.indexOf('## Steps'));
    expect(steps).toEqual(
      expect.arrayContaining([
        '1. Mine a block.',
        '   **mine** on node 1',
        '   - Expect: lengths 2, 1, 1',
        "   - Expect: the nodes' tips differ",
        '2. Narration.',
        '   **heal**',
      ]),
    );
  });

  test('asks for more nodes than the compose file starts, when it needs them', () => {
    const big = lessonMarkdown('big', { ...lesson, network: { nodes: 5 } });
    expect(big).toContain('- 5 nodes (the compose file starts 3: start more, and pass them with `--nodes`)');
  });

  test('the index links each page, with its title (a | escaped) and network command', () => {
    const index = lessonsIndexMarkdown([
      { name: 'small', lesson },
      { name: 'fork', lesson: { ...lesson, title: 'A fork', network: { nodes: 3, gossip: 'off' } } },
    ]);
    expect(index).toContain('| [small](small.md) | A \\| small lesson | `TX_RULE=signed docker compose up` |');
    expect(index).toContain('| [fork](fork.md) | A fork | `GOSSIP=off docker compose up` |');
  });
});

describe('the generator, for docs/lessons/', () => {
  let root: string;
  const lessonsDir = () => join(root, 'lessons-src');
  const docs = () => join(root, 'docs');
  const LESSON = 'title: One block\nsummary: Mine one.\nnetwork:\n  nodes: 1\nsteps:\n  - action: mine\n    node: 1\n    say: Mine it.\n';

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'docs-lessons-'));
    mkdirSync(lessonsDir());
    writeFileSync(join(lessonsDir(), 'one.yaml'), LESSON);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('writes a page per lesson and the index, making docs/lessons/, and then finds nothing stale', async () => {
    const written = await generateDocs({ dir: docs(), lessonsDir: lessonsDir(), check: false });
    expect(written).toEqual(expect.arrayContaining([join(docs(), 'lessons/README.md'), join(docs(), 'lessons/one.md')]));
    expect(readFileSync(join(docs(), 'lessons/one.md'), 'utf8')).toContain('# One block');
    expect(await generateDocs({ dir: docs(), lessonsDir: lessonsDir(), check: true })).toEqual([]);
  });

  test('reports the page of a deleted lesson as stale, and deletes it when writing, leaving other files alone', async () => {
    await generateDocs({ dir: docs(), lessonsDir: lessonsDir(), check: false });
    writeFileSync(join(docs(), 'lessons/gone.md'), '# Gone\n');
    writeFileSync(join(docs(), 'lessons/notes.txt'), 'not a page\n');

    expect(await generateDocs({ dir: docs(), lessonsDir: lessonsDir(), check: true })).toEqual([join(docs(), 'lessons/gone.md')]);
    expect(existsSync(join(docs(), 'lessons/gone.md'))).toBe(true);

    expect(await generateDocs({ dir: docs(), lessonsDir: lessonsDir(), check: false })).toEqual([join(docs(), 'lessons/gone.md')]);
    expect(readdirSync(join(docs(), 'lessons')).sort()).toEqual(['README.md', 'notes.txt', 'one.md']);
  });

  test("fails, with the parser's reason, on a lesson that does not parse, and writes nothing", async () => {
    writeFileSync(join(lessonsDir(), 'broken.yaml'), LESSON.replace('action: mine', 'action: explode'));
    await expect(generateDocs({ dir: docs(), lessonsDir: lessonsDir(), check: false })).rejects.toThrow(
      /lessons\/broken\.yaml:\d+: step 1: .*explode/,
    );
    expect(existsSync(docs())).toBe(false);
  });

  test.each(['Big', 'readme'])('fails on a lesson named %s, which lesson run cannot take or the index would clash with', async (name) => {
    writeFileSync(join(lessonsDir(), `${name}.yaml`), LESSON);
    await expect(generateDocs({ dir: docs(), lessonsDir: lessonsDir(), check: true })).rejects.toThrow(`lessons/${name}.yaml`);
  });
});
