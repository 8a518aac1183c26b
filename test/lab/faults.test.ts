// The fault table and how names are resolved: pure, no network.
import {
  FaultTable,
  MAX_NAMES,
  names,
  parseGroups,
  parseLink,
  resolveGroups,
  resolvePeer,
  type Acquaintances,
} from '../../src/lab/faults.ts';

const known: Acquaintances = {
  self: { nodeId: 'node1', address: 'node1:5000' },
  peers: [
    { node: 'node2:5000', nodeId: 'node2' },
    { node: 'node3:5000', nodeId: 'node3' },
    { node: 'node4:5000', nodeId: undefined },
  ],
};

describe('names', () => {
  test('a node by its id, its address in any spelling, or its bare host', () => {
    const node = { nodeId: 'abc', address: 'node3:5000' };
    for (const name of ['abc', 'node3:5000', 'http://node3:5000', 'NODE3:5000', 'node3', 'Node3']) expect(names(name, node)).toBe(true);
    for (const name of ['ab', 'node3:5001', 'node', 'node3.example', 'node3:']) expect(names(name, node)).toBe(false);
    expect(names('node3', { nodeId: 'node3' })).toBe(true);
    expect(names('node3:5000', { nodeId: 'x' })).toBe(false);
  });
});

describe('parseGroups and parseLink', () => {
  test.each([
    [undefined, 'non-empty list of lists'],
    [[], 'non-empty list of lists'],
    [[['a'], 'b'], 'groups[1] must be a non-empty list of names'],
    [[['a'], []], 'groups[1] must be a non-empty list of names'],
    [[['a', 5]], 'groups[0][1] must be a node id or host:port'],
    [[['a', ' ']], 'groups[0][1] must be a node id or host:port'],
    [[['a'], ['a']], "groups[1][0]: 'a' is named twice"],
    [[['x'.repeat(257)]], 'longer than 256 characters'],
    [Array.from({ length: MAX_NAMES + 1 }, (_, i) => [`n${i}`]), 'at most 64 groups'],
    [[Array.from({ length: MAX_NAMES + 1 }, (_, i) => `n${i}`)], 'at most 64 names'],
  ])('groups %j are refused: %s', (groups, reason) => {
    const verdict = parseGroups(groups);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain(reason);
  });

  test('good groups come back as given', () => {
    expect(parseGroups([['node1', 'node2:5000'], ['node3']])).toEqual({ ok: true, value: [['node1', 'node2:5000'], ['node3']] });
  });

  test('names come back trimmed, as they were checked: a name with spaces resolves and cuts as the bare one', () => {
    const parsed = parseGroups([['node1', ' node2 '], ['\tnode3']]);
    expect(parsed).toEqual({ ok: true, value: [['node1', 'node2'], ['node3']] });
    if (!parsed.ok) return;
    expect(resolveGroups(parsed.value, known)).toEqual({ ok: true, value: undefined });
    const table = new FaultTable(() => 0);
    table.partition(parsed.value);
    expect(table.outbound('node2:5000', known)).toEqual({ delayMs: 0, loss: 0 });
    expect(table.outbound('node3:5000', known)).toEqual({ cut: "node3:5000 is outside this node's group" });
  });

  test.each([
    [{}, 'expected {"peer"'],
    [{ peer: 'n', delay_ms: -1 }, 'delay_ms must be'],
    [{ peer: 'n', delay_ms: 60_001 }, 'delay_ms must be'],
    [{ peer: 'n', delay_ms: 1.5 }, 'delay_ms must be'],
    [{ peer: 'n', loss: 1.01 }, 'loss must be'],
    [{ peer: 'n', loss: -0.1 }, 'loss must be'],
    [{ peer: 'n', loss: '0.2' }, 'loss must be'],
  ])('link %j is refused: %s', (body, reason) => {
    const verdict = parseLink(body);
    expect(!verdict.ok && verdict.reason).toContain(reason);
  });

  test('a link within bounds, 0 where not given', () => {
    expect(parseLink({ peer: 'node3', delay_ms: 60_000, loss: 1 })).toEqual({
      ok: true,
      value: { peer: 'node3', link: { delay_ms: 60_000, loss: 1 } },
    });
    expect(parseLink({ peer: 'node3', loss: 0.2 })).toEqual({ ok: true, value: { peer: 'node3', link: { delay_ms: 0, loss: 0.2 } } });
  });
});

describe('resolveGroups and resolvePeer', () => {
  test('every name must be this node or a peer, and no node in two groups', () => {
    expect(
      resolveGroups(
        [
          ['node1', 'node2'],
          ['node3:5000', 'node4'],
        ],
        known,
      ).ok,
    ).toBe(true);
    expect(resolveGroups([['node1'], ['node9']], known)).toEqual({
      ok: false,
      reason: expect.stringContaining("groups[1]: 'node9' names neither"),
    });
    expect(resolveGroups([['node2'], ['node2:5000']], known)).toEqual({
      ok: false,
      reason: expect.stringContaining('node2 (node2:5000) is in groups 0 and 1'),
    });
    expect(resolveGroups([['node1'], ['node1:5000']], known).ok).toBe(false);
  });

  test('a link is to a registered peer, not this node', () => {
    expect(resolvePeer('node3', known).ok).toBe(true);
    expect(resolvePeer('node4:5000', known).ok).toBe(true);
    expect(resolvePeer('node1', known)).toEqual({ ok: false, reason: expect.stringContaining('is this node') });
    expect(resolvePeer('node9', known)).toEqual({ ok: false, reason: expect.stringContaining('names none') });
  });
});

describe('FaultTable', () => {
  test('without faults, nothing is cut, delayed or lost', () => {
    const table = new FaultTable();
    expect(table.outbound('node2:5000', known)).toEqual({ delayMs: 0, loss: 0 });
    expect(table.inbound('node2', known)).toBeUndefined();
    expect(table.view()).toEqual({ groups: null, links: [], paused: false });
  });

  test('a partition cuts peers outside the group both ways, by id or by address', () => {
    const table = new FaultTable();
    table.partition([['node1', 'node2:5000'], ['node3']]);
    expect(table.outbound('node2:5000', known)).toEqual({ delayMs: 0, loss: 0 });
    expect(table.outbound('node3:5000', known)).toEqual({ cut: "node3:5000 is outside this node's group" });
    expect(table.inbound('node2', known)).toBeUndefined(); // named by address, known by the id it claims there
    expect(table.inbound('node3', known)).toBe("node3 is outside this node's group");
    // Named nowhere: with the other unnamed nodes, so cut off from this node's group.
    expect(table.outbound('node4:5000', known).cut).toBeDefined();
    expect(table.inbound('stranger', known)).toBeDefined();
    expect(table.view().groups).toEqual([['node1', 'node2:5000'], ['node3']]);
  });

  test('a node named in no group keeps the other unnamed nodes', () => {
    const table = new FaultTable();
    table.partition([['node2'], ['node3']]);
    expect(table.outbound('node4:5000', known)).toEqual({ delayMs: 0, loss: 0 });
    expect(table.outbound('node2:5000', known).cut).toBeDefined();
  });

  test('pausing cuts every peer both ways; resume and heal undo it', () => {
    const table = new FaultTable();
    table.pause();
    expect(table.outbound('node2:5000', known)).toEqual({ cut: 'this node is paused' });
    expect(table.inbound('node2', known)).toBe('this node is paused');
    table.resume();
    expect(table.outbound('node2:5000', known).cut).toBeUndefined();
    table.pause();
    table.heal();
    expect(table.view().paused).toBe(false);
  });

  test('links delay and drop what goes to the peers they name, 0 and 0 removes one, and they are bounded', () => {
    const table = new FaultTable();
    expect(table.setLink('node3', { delay_ms: 300, loss: 0.2 })).toBe(true);
    expect(table.outbound('node3:5000', known)).toEqual({ delayMs: 300, loss: 0.2 });
    expect(table.outbound('node2:5000', known)).toEqual({ delayMs: 0, loss: 0 });
    expect(table.view().links).toEqual([{ peer: 'node3', delay_ms: 300, loss: 0.2 }]);
    table.setLink('node3', { delay_ms: 0, loss: 0 });
    expect(table.view().links).toEqual([]);
    for (let i = 0; i < MAX_NAMES; i++) expect(table.setLink(`n${i}`, { delay_ms: 1, loss: 0 })).toBe(true);
    expect(table.setLink('one-more', { delay_ms: 1, loss: 0 })).toBe(false);
    expect(table.setLink('n0', { delay_ms: 2, loss: 0 })).toBe(true);
    table.partition([['node1']]);
    table.heal();
    expect(table.view()).toEqual({ groups: null, links: [], paused: false });
  });
});

describe('quiet after a network-wide reset', () => {
  test('a quiet node talks to no peer until its time is up, and a heal ends it at once', () => {
    let now = 1000;
    const table = new FaultTable(() => now);
    table.quiet(2000);
    expect(table.outbound('node2:5000', known).cut).toMatch(/quiet .* after a network-wide reset/);
    expect(table.inbound('node2', known)).toMatch(/quiet/);
    now = 2999;
    expect(table.outbound('node2:5000', known).cut).toBeDefined();
    now = 3000;
    expect(table.outbound('node2:5000', known)).toEqual({ delayMs: 0, loss: 0 });
    expect(table.inbound('node2', known)).toBeUndefined();
    table.quiet(5000);
    table.heal();
    expect(table.outbound('node2:5000', known)).toEqual({ delayMs: 0, loss: 0 });
    expect(table.view()).toEqual({ groups: null, links: [], paused: false });
  });
});
