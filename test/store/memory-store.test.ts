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
    const pay = (i: number): Transaction => ({ sender: 'a', recipient: 'b', amount: i, id: `t${i}` });
    for (let i = 0; i < 9_999; i++) await record({ type: 'transaction', transaction: pay(i) });
    await record({ type: 'block', block: blockchain.forgeBlock(35293, 1_800_000_000.5, 'm', 8_388_608) });
    await record({ type: 'transaction', transaction: pay(10_000) });

    const changes = await store.load();
    expect(changes.map((change) => change.type)).toEqual(['chain', 'block', 'transaction']);
    const rebuilt = Blockchain.replay(changes);
    expect(rebuilt.chain).toEqual(blockchain.chain);
    expect(rebuilt.pending).toEqual([pay(10_000)]);
  });
});
