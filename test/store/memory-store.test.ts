import { jest } from '@jest/globals';
import { Blockchain, type ChainChange } from '../../src/chain/blockchain.ts';
import type { Transaction } from '../../src/chain/block.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';

describe('MemoryStore', () => {
  test('compacts itself to the state once its log has grown: mined transactions are not kept twice', async () => {
    const store = new MemoryStore();
    const blockchain = new Blockchain();
    const record = async (change: ChainChange) => {
      blockchain.apply(change);
      await store.record(change);
    };
    for (let i = 0; i < 9_999; i++) await record({ type: 'transaction', transaction: pay(i) });
    await record({ type: 'block', block: blockchain.forgeBlock(35293, 1_800_000_000.5, 'm', 8_388_608) });
    await record({ type: 'transaction', transaction: pay(10_000) });

    const changes = await store.load();
    expect(changes.map((change) => change.type)).toEqual(['chain', 'block', 'transaction']);
    const rebuilt = Blockchain.replay(changes);
    expect(rebuilt.chain).toEqual(blockchain.chain);
    expect(rebuilt.pending).toEqual([pay(10_000)]);
  });

  test('a log that could not shrink is not replayed: a pool that only grows costs no pause', async () => {
    const store = new MemoryStore();
    const replay = jest.spyOn(Blockchain, 'replay');
    try {
      const blockchain = new Blockchain();
      const mine = async () => {
        const block = blockchain.forgeBlock(35293, 1_800_000_000.5, 'm', 8_388_608);
        blockchain.apply({ type: 'block', block });
        await store.record({ type: 'block', block });
      };
      // Blocks that mined nothing but their reward, and transactions that stay pending: all still needed.
      for (let i = 0; i < 100; i++) await mine();
      for (let i = 0; i < 40_000; i++) await store.record({ type: 'transaction', transaction: pay(i) });
      expect(replay).not.toHaveBeenCalled();
      expect(await store.load()).toHaveLength(40_100);
      // A restore makes everything before it redundant: the next check point compacts.
      await store.record({ type: 'restore', chain: [...blockchain.chain], pending: [] });
      for (let i = 0; i < 40_000; i++) await store.record({ type: 'transaction', transaction: pay(i) });
      expect(replay).toHaveBeenCalledTimes(1);
      expect((await store.load()).length).toBeLessThan(40_000 + 102);
    } finally {
      replay.mockRestore();
    }
  });

  test('the pending transactions an adopted chain mines count as redundant: a node that catches up keeps no dead copies', async () => {
    const here = new Blockchain();
    const peer = new Blockchain();
    const store = new MemoryStore();
    let n = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 2_000; i++) {
        const transaction = pay(n++);
        here.apply({ type: 'transaction', transaction });
        await store.record({ type: 'transaction', transaction });
        peer.apply({ type: 'transaction', transaction: { ...transaction } }); // relayed to the peer, which mines it
      }
      const block = peer.forgeBlock(35293, 1_800_000_000.5 + round, 'peer', 8_388_608);
      peer.apply({ type: 'block', block });
      // This node catches up by a sync, as adopt() records it.
      const adopted: ChainChange = { type: 'chain', from: here.length + 1, blocks: peer.chain.slice(here.length) };
      here.apply(adopted);
      await store.record(adopted);
    }
    expect(here.snapshot()).toHaveLength(21);
    // 40,020 if the adoptions counted only their blocks: every transaction the peer mined kept.
    expect((await store.load()).length).toBeLessThan(20_000);
  });
});

const pay = (i: number): Transaction => ({ sender: 'a', recipient: 'b', amount: i, id: `t${i}` });
