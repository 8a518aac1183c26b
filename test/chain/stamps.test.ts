// Stamps (src/chain/stamps.ts): a WeakMap's get and set, kept on the objects themselves.
import { stamps } from '../../src/chain/stamps.ts';

describe('stamps', () => {
  test('hold a value per object, replaced by the next set', () => {
    const notes = stamps<string>();
    const a = {};
    const b = { x: 1 };
    expect(notes.get(a)).toBeUndefined();
    notes.set(a, 'first');
    notes.set(b, 'b');
    notes.set(a, 'second');
    expect(notes.get(a)).toBe('second');
    expect(notes.get(b)).toBe('b');
  });

  test('each kind is its own: one kind never sees what another stamped', () => {
    const texts = stamps<string>();
    const sizes = stamps<number>();
    const block = {};
    texts.set(block, 'text');
    expect(sizes.get(block)).toBeUndefined();
    sizes.set(block, 5);
    expect(texts.get(block)).toBe('text');
  });

  test('are seen by nothing else: keys, equality, JSON and clones leave them out', () => {
    const notes = stamps<string>();
    const block = { index: 1, proof: 100 };
    notes.set(block, 'hidden');
    expect(Object.keys(block)).toEqual(['index', 'proof']);
    expect(Reflect.ownKeys(block)).toEqual(['index', 'proof']);
    expect(block).toStrictEqual({ index: 1, proof: 100 });
    expect(JSON.stringify(block)).toBe('{"index":1,"proof":100}');
    expect(notes.get(structuredClone(block))).toBeUndefined();
    expect(Object.getPrototypeOf(block)).toBe(Object.prototype);
  });

  test('stamp arrays and class instances as well as plain objects', () => {
    const notes = stamps<string>();
    const array = [1, 2];
    const date = new Date(0);
    notes.set(array, 'array');
    notes.set(date, 'date');
    expect(notes.get(array)).toBe('array');
    expect(notes.get(date)).toBe('date');
    expect(Array.isArray(array) && array.length === 2).toBe(true);
  });
});
