import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Blockchain, type ChainChange } from '../../src/chain/blockchain.ts';
import { PyFloat, pyFloat, toJson } from '../../src/chain/py-json.ts';
import type { ChainStore } from '../../src/store/chain-store.ts';
import { FileStore } from '../../src/store/file-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { buildChain } from '../support/chains.ts';

const silent = { warn: () => {}, error: () => {} };

/** How each implementation is made fresh for one test, and cleaned up after it. */
const implementations: [string, () => Promise<{ store: ChainStore; cleanup: () => Promise<void> }>][] = [
  ['MemoryStore', async () => ({ store: new MemoryStore(), cleanup: async () => {} })],
  [
    'FileStore',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'chainlab-store-'));
      const store = await FileStore.open(dir, silent);
      return { store, cleanup: () => store.close().then(() => rm(dir, { recursive: true, force: true })) };
    },
  ],
];

const ours = buildChain(4, { difficulty: 2 });
const theirs = buildChain(5, { difficulty: 2, miner: 'other-miner' }); // forks from ours after genesis

/** A node's history: values JSON.parse would mangle (5.0, 2^64, 1e+16, unicode), blocks and a reorg. */
const history: ChainChange[] = [
  { type: 'transaction', transaction: { sender: 'alice', recipient: 'bob', amount: pyFloat(5), id: 'tx-1' } },
  { type: 'transaction', transaction: { sender: 'Zoë ☃ 🚀', recipient: 'carol', amount: 18446744073709551616n } },
  { type: 'block', block: ours[1]! },
  { type: 'transaction', transaction: { sender: 'dave', recipient: 'erin', amount: pyFloat(1e16) } },
  { type: 'block', block: ours[2]! },
  { type: 'block', block: ours[3]! },
  { type: 'transaction', transaction: { sender: 'frank', recipient: 'grace', amount: 0.1, id: 'tx-2' } },
  { type: 'chain', from: 2, blocks: theirs.slice(1) },
];

describe.each(implementations)('%s', (_name, make) => {
  let store: ChainStore;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await make());
  });
  afterEach(() => cleanup());

  test('a new store holds no changes', async () => {
    expect(await store.load()).toEqual([]);
  });

  test('load returns the recorded changes exactly: floats stay floats, big integers and unicode intact', async () => {
    for (const change of history) await store.record(change);
    const loaded = await store.load();
    expect(loaded).toStrictEqual(history);
    expect(toJson(loaded)).toBe(toJson(history));
    const first = loaded[0]!;
    expect(first.type === 'transaction' && first.transaction.amount).toBeInstanceOf(PyFloat);
  });

  test('replaying what was loaded rebuilds the same chain and pending pool', async () => {
    for (const change of history) await store.record(change);
    const rebuilt = Blockchain.replay(await store.load());
    const expected = Blockchain.replay(history);
    expect(toJson([...rebuilt.chain])).toBe(toJson([...expected.chain]));
    expect(toJson([...rebuilt.pending])).toBe(toJson([...expected.pending]));
    expect(rebuilt.length).toBe(theirs.length);
  });

  test('concurrent records are stored in the order of the calls', async () => {
    await Promise.all(history.map((change) => store.record(change)));
    expect(toJson(await store.load())).toBe(toJson(history));
  });

  test('rewrite replaces everything, and later records follow the new changes', async () => {
    for (const change of history) await store.record(change);
    const compacted: ChainChange[] = [{ type: 'chain', from: 2, blocks: theirs.slice(1) }, history[6]!];
    await store.rewrite(compacted);
    expect(toJson(await store.load())).toBe(toJson(compacted));
    await store.record(history[0]!);
    expect(toJson(await store.load())).toBe(toJson([...compacted, history[0]!]));
  });

  test('records made before a rewrite are replaced by it, records made after it follow it', async () => {
    const before = store.record(history[0]!);
    const rewritten = store.rewrite([history[1]!]);
    const after = store.record(history[3]!);
    await Promise.all([before, rewritten, after]);
    expect(toJson(await store.load())).toBe(toJson([history[1]!, history[3]!]));
  });

  test('load returns a copy: changing it does not change the store', async () => {
    await store.record(history[0]!);
    (await store.load()).push(history[1]!);
    expect(await store.load()).toHaveLength(1);
  });
});
