// The broadcast tree over the sorted membership: every member reached exactly once, in few hops,
// with few messages a node, also when members are down.
import { hash } from 'node:crypto';
import {
  blockKey,
  branches,
  FANOUT,
  handOver,
  inRange,
  inRingOrder,
  MAX_KEY_CHARS,
  ringKey,
  widerLimit,
} from '../../src/peers/broadcast-tree.ts';

interface Member {
  key: string;
}

/** `count` members with keys that sort in no particular relation to their numbers. */
function ring(count: number): Member[] {
  return Array.from({ length: count }, (_, i) => ({ key: `node-${((i * 7919) % 1009).toString(36).padStart(3, '0')}-${i}` }));
}

interface Delivery {
  /** How many times each member was told. */
  told: Map<string, number>;
  /** Messages each member sent. */
  sent: Map<string, number>;
  /** Hops from the origin to the furthest member told. */
  depth: number;
}

/**
 * Runs the broadcast from `origin` to the end, every node seeing all of `members` (one view), with
 * `down` members failing every message sent to them (their senders hand their range over).
 */
function broadcast(origin: string, members: readonly Member[], fanout: number, down = new Set<string>()): Delivery {
  const told = new Map<string, number>();
  const sent = new Map<string, number>();
  let depth = 0;
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const deliver = (self: string, limit: string, hops: number): void => {
    const others = members.filter(({ key }) => key !== self);
    for (const branch of branches(self, others, limit, fanout)) {
      let target: { member: Member; limit: string } | undefined = branch;
      while (target !== undefined) {
        count(sent, self);
        if (!down.has(target.member.key)) break;
        target = handOver(target.member.key, others, target.limit);
      }
      if (target === undefined) continue;
      count(told, target.member.key);
      depth = Math.max(depth, hops + 1);
      deliver(target.member.key, target.limit, hops + 1);
    }
  };
  deliver(origin, origin, 0);
  return { told, sent, depth };
}

describe('a broadcast over one view of the ring', () => {
  test.each(Array.from({ length: 64 }, (_, i) => i + 1))('with %i nodes, from every origin, tells every other node exactly once', (n) => {
    const members = ring(n);
    for (const { key: origin } of members) {
      const { told, sent, depth } = broadcast(origin, members, FANOUT);
      const others = members.filter(({ key }) => key !== origin).map(({ key }) => key);
      expect([...told.keys()].sort()).toEqual([...others].sort());
      expect([...told.values()].every((times) => times === 1)).toBe(true);
      // A node sends at most FANOUT messages, and the tree is about log2(N) deep.
      expect(Math.max(0, ...sent.values())).toBeLessThanOrEqual(FANOUT);
      expect(depth).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
    }
  });

  test.each([1, 3, 4, 8])('with a fanout of %i, still every node exactly once', (fanout) => {
    const members = ring(40);
    const { told, sent } = broadcast(members[17]!.key, members, fanout);
    expect(told.size).toBe(39);
    expect([...told.values()].every((times) => times === 1)).toBe(true);
    expect(Math.max(...sent.values())).toBeLessThanOrEqual(fanout);
  });

  test('with three nodes, the origin tells both others itself', () => {
    const [a, c] = [{ key: 'a' }, { key: 'c' }];
    expect(branches('b', [a, c], 'b', FANOUT)).toEqual([
      { member: c, limit: 'a' },
      { member: a, limit: 'b' },
    ]);
  });

  test('with members down, every member up is told exactly once, by whoever follows the one down', () => {
    for (const n of [2, 5, 16, 33, 64]) {
      const members = ring(n);
      const origin = members[0]!.key;
      for (const every of [2, 3, 5]) {
        const down = new Set(members.filter((_, i) => i > 0 && i % every === 0).map(({ key }) => key));
        const { told } = broadcast(origin, members, FANOUT, down);
        const up = members.filter(({ key }) => key !== origin && !down.has(key)).map(({ key }) => key);
        expect([...told.keys()].sort()).toEqual(up.sort());
        expect([...told.values()].every((times) => times === 1)).toBe(true);
      }
    }
  });

  test('with all members down but the last, the origin still reaches that one', () => {
    const members = ring(10);
    const origin = members[0]!.key;
    const rest = inRingOrder(origin, members, origin).map(({ key }) => key);
    const down = new Set(rest.slice(0, -1));
    expect([...broadcast(origin, members, FANOUT, down).told.keys()]).toEqual([rest.at(-1)]);
  });
});

describe('ring ranges', () => {
  test('(self, limit) goes round past the largest key; limit = self is the whole ring but self', () => {
    expect(['a', 'b', 'c', 'd', 'e'].filter((key) => inRange('b', key, 'd'))).toEqual(['c']);
    expect(['a', 'b', 'c', 'd', 'e'].filter((key) => inRange('d', key, 'b'))).toEqual(['a', 'e']);
    expect(['a', 'b', 'c', 'd', 'e'].filter((key) => inRange('c', key, 'c'))).toEqual(['a', 'b', 'd', 'e']);
  });

  test('members come in ring order from self, and two with one key count once', () => {
    const members = ['a', 'e', 'c', 'b', 'e'].map((key, i) => ({ key, i }));
    expect(inRingOrder('c', members, 'c').map(({ key, i }) => `${key}${i}`)).toEqual(['e1', 'a0', 'b3']);
  });

  test('a member handed a range it cannot pass on, as the last of it, hands it to nobody', () => {
    expect(handOver('c', [{ key: 'a' }, { key: 'c' }, { key: 'd' }], 'd')).toBeUndefined();
    expect(handOver('c', [{ key: 'a' }, { key: 'c' }, { key: 'd' }], 'b')).toEqual({ member: { key: 'd' }, limit: 'b' });
  });

  test('the wider of two ranges from self is the one reaching further round the ring; the whole ring is widest', () => {
    expect(widerLimit('m', 'p', 'x')).toBe('x');
    expect(widerLimit('m', 'x', 'b')).toBe('b'); // past the largest key
    expect(widerLimit('m', 'b', 'c')).toBe('c');
    expect(widerLimit('m', 'z', 'm')).toBe('m');
    expect(widerLimit('m', undefined, 'c')).toBe('c');
    expect(widerLimit('m', 'c', undefined)).toBe('c');
  });

  test('keys are cut to MAX_KEY_CHARS, so that every limit fits the wire', () => {
    expect(ringKey('x'.repeat(MAX_KEY_CHARS + 10))).toBe('x'.repeat(MAX_KEY_CHARS));
    expect(ringKey('node1')).toBe('node1');
  });
});

describe('the ring of a block', () => {
  const ids = Array.from({ length: 24 }, (_, i) => `node${String(i).padStart(2, '0')}`);
  /** Whom `origin` tells first of the block with this hash, on that block's ring. */
  const heads = (origin: string, blockHash: string) => {
    const members = ids.filter((id) => id !== origin).map((id) => ({ key: blockKey(id, blockHash), id }));
    return branches(blockKey(origin, blockHash), members, blockKey(origin, blockHash), FANOUT).map(({ member }) => member.id);
  };

  test('is drawn anew for each block: an id chosen to sort next to a miner heads nothing for good (test/peers/gossip-mesh.test.ts runs the default rings end to end)', () => {
    // By id alone, node01 (sorting right after node00) would head the first half of every block node00 mines.
    const blocks = Array.from({ length: 64 }, (_, i) => hash('sha256', `block ${i}`));
    const headed = blocks.filter((block) => heads('node00', block).includes('node01')).length;
    expect(headed).toBeGreaterThan(0);
    expect(headed).toBeLessThan(blocks.length / 2);
  });
});
