// What the lesson format refuses so that an expectation can fail and a value is bounded: a match
// that would match anything, a check that cannot fail, YAML the parser took without understanding,
// and numbers past any chain a class will build.
import { parseLesson } from '../../src/lessons/format.ts';

const ONE = 'title: t\nsummary: s\nnetwork:\n  nodes: 1\n  tx_rule: signed\nsteps:\n  - action: mine\n    node: 1\n'; // say on line 9

test.each([
  [
    'a transaction match with nothing but the node',
    '    say: x\n    expect:\n      chain_contains: { node: 1 }\n',
    'f.yaml:11: step 1: expect.chain_contains needs one of sender, recipient, amount besides node: it would match anything',
  ],
  [
    'balances of no account',
    '    say: x\n    expect:\n      balances: { node: 1, accounts: {} }\n',
    'f.yaml:11: step 1: expect.balances.accounts must name at least one',
  ],
  [
    'forked on a network of one node',
    '    say: x\n    expect:\n      forked: false\n',
    'f.yaml:11: step 1: expect.forked needs two nodes or more: one node is never forked',
  ],
  ['a blank refusal', '    say: x\n    expect:\n      refused: " "\n', 'f.yaml:11: step 1: expect.refused must not be blank'],
  ['an unknown tag', '    say: !!js/function "x"\n', 'f.yaml:9: not valid YAML: Unresolved tag: tag:yaml.org,2002:js/function'],
  ['a huge length', '    say: x\n    expect:\n      lengths: [1e23]\n', 'f.yaml:11: step 1: expect.lengths[0] must be ≤ 1000000000'],
])('%s', (_, rest, reason) => {
  expect(parseLesson(`${ONE}${rest}`, 'f.yaml')).toEqual({ ok: false, reason });
});

test('a huge tamper index or amount', () => {
  const tamper = (field: string) =>
    parseLesson(
      `title: t\nsummary: s\nnetwork:\n  nodes: 1\nsteps:\n  - action: tamper\n    node: 1\n    say: x\n    ${field}\n`,
      'f.yaml',
    );
  expect(tamper('index: 1e300\n    amount: 1')).toEqual({ ok: false, reason: 'f.yaml:9: step 1: index must be ≤ 1000000000' });
  expect(tamper('index: 2\n    amount: 1e308')).toEqual({ ok: false, reason: 'f.yaml:10: step 1: amount must be ≤ 1000000000000000' });
});
