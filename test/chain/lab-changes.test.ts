// The lab's changes to the chain (issue 13): tampering in place and restoring a state, as pure
// ChainChanges, their records in the log, and what the validator says of a tampered chain.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genesisBlock, type Block, type Transaction } from '../../src/chain/block.ts';
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import { Blockchain, type ChainChange } from '../../src/chain/blockchain.ts';
import { toJson } from '../../src/chain/py-json.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { tamperedBlocks, validTampering, type Tampering } from '../../src/chain/tamper.ts';
import { validChain } from '../../src/chain/validate.ts';
import { silentLogger } from '../../src/log/log.ts';
import { FileStore } from '../../src/store/file-store.ts';
import { encodeRecord, readRecords } from '../../src/store/log-records.ts';
import { buildChain, MAX_BLOCK_BYTES } from '../support/chains.ts';

const rules = (powRule: 'notebook' | 'linked'): ChainRules => ({ difficulty: 3, powRule, maxBlockBytes: MAX_BLOCK_BYTES });
const tampering = (more: Partial<Tampering> = {}): Tampering => ({ index: 2, transaction: 0, amount: 1000, rehash: false, ...more });

function tamperedChain(chain: readonly Block[], more: Partial<Tampering> = {}): { blockchain: Blockchain; change: ChainChange } {
  const verdict = tamperedBlocks(chain, tampering(more));
  if (!verdict.ok) throw new Error(verdict.reason);
  const blockchain = new Blockchain([...chain]);
  const change: ChainChange = { type: 'tamper', ...verdict.value };
  blockchain.apply(change);
  return { blockchain, change };
}

describe('tampering', () => {
  test.each(['notebook', 'linked'] as const)('under %s: new block objects and a new array, the old chain untouched', (rule) => {
    const chain = buildChain(4, { difficulty: 3, rule });
    const before = toJson(chain);
    const blockchain = new Blockchain([...chain]);
    const old = blockchain.chain;
    const verdict = tamperedBlocks(blockchain.chain, tampering({ rehash: true }));
    if (!verdict.ok) throw new Error(verdict.reason);
    blockchain.apply({ type: 'tamper', ...verdict.value });
    expect(toJson(chain)).toBe(before);
    expect(blockchain.chain).not.toBe(old);
    expect(blockchain.chain[0]).toBe(chain[0]);
    for (let i = 1; i < 4; i++) expect(blockchain.chain[i]).not.toBe(chain[i]);
    expect((blockchain.chain[1]!.transactions as Transaction[])[0]!.amount).toBe(1000);
    expect(blockchain.chain[2]!.previous_hash).toBe(cachedHash(blockchain.chain[1]!));
  });

  test('with rehash the chain verifies under the notebook rule; under linked the validator names the next block', () => {
    const notebook = tamperedChain(buildChain(4, { difficulty: 3, rule: 'notebook' }), { rehash: true }).blockchain;
    expect(validChain([...notebook.chain], rules('notebook')).ok).toBe(true);
    const linked = tamperedChain(buildChain(4, { difficulty: 3, rule: 'linked' }), { rehash: true }).blockchain;
    expect(validChain([...linked.chain], rules('linked'))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^block 3: proof \d+ is not valid after block 2$/),
    });
  });

  test('without rehash the next block no longer points at the rewritten one, under either rule', () => {
    const { blockchain } = tamperedChain(buildChain(4, { difficulty: 3, rule: 'notebook' }));
    expect(validChain([...blockchain.chain], rules('notebook'))).toEqual({
      ok: false,
      reason: 'block 3: previous_hash does not match the hash of block 2',
    });
  });

  test('leaves the pool as it was: no reorg returns the old transaction', () => {
    const chain = buildChain(3, { difficulty: 3 });
    const blockchain = new Blockchain([...chain]);
    blockchain.apply({ type: 'transaction', transaction: { sender: 'p', recipient: 'q', amount: 1, id: 'p1' } });
    const verdict = tamperedBlocks(blockchain.chain, tampering());
    if (!verdict.ok) throw new Error(verdict.reason);
    expect(blockchain.apply({ type: 'tamper', ...verdict.value })).toEqual({ dropped: [], returned: [] });
    expect(blockchain.pending.map((transaction) => transaction.id)).toEqual(['p1']);
    expect(blockchain.length).toBe(3);
  });

  test.each([
    [tampering({ index: 9 }), 'index 9 is past the tip: the chain has 3 blocks'],
    [tampering({ transaction: 5 }), 'block 2 has 2 transactions: there is no transaction 5'],
    [tampering({ index: 1 }), 'block 1 has 0 transactions: there is no transaction 0'],
  ])('refuses a tampering out of range: %j', (wrong, reason) => {
    expect(tamperedBlocks(buildChain(3, { difficulty: 3 }), wrong)).toEqual({ ok: false, reason });
  });

  test.each([
    [[], 'the body must be a JSON object'],
    [{ index: 0, transaction: 0, amount: 1 }, 'index must be a block index'],
    [{ index: 2, transaction: -1, amount: 1 }, 'transaction must be'],
    [{ index: 2, transaction: 0 }, 'amount is missing'],
    [{ index: 2, transaction: 0, amount: '5' }, 'amount must be a finite number'],
    [{ index: 2, transaction: 0, amount: 5, rehash: 'yes' }, 'rehash must be true or false'],
    [{ index: 2, transaction: 0, amount: 5, recipient: 'x' }, 'unknown field "recipient"'],
  ])('refuses a body %j', (body, reason) => {
    const verdict = validTampering(body);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain(reason);
  });
});

describe('restore', () => {
  test('replaces the chain (even by a shorter one) and the pool, and returns nothing to the pool', () => {
    const blockchain = new Blockchain([...buildChain(4, { difficulty: 3 })]);
    blockchain.apply({ type: 'transaction', transaction: { sender: 'old', recipient: 'q', amount: 1, id: 'old' } });
    const shorter = buildChain(2, { difficulty: 3, miner: 'other' });
    const pending = [{ sender: 'new', recipient: 'q', amount: 2, id: 'new' }];
    expect(blockchain.apply({ type: 'restore', chain: shorter, pending })).toEqual({ dropped: [], returned: [] });
    expect(blockchain.chain).toEqual(shorter);
    expect(blockchain.pending).toEqual(pending);
    // The chain's transactions are the restored chain's: block 2 of the old chain no longer holds anything.
    expect(blockchain.includedTransaction((shorter[1]!.transactions as Transaction[])[0]!)).toBeDefined();
  });
});

describe('the records of lab changes', () => {
  const chain = buildChain(3, { difficulty: 3 });
  const { change: tamper } = tamperedChain(chain, { rehash: true });
  const restore: ChainChange = { type: 'restore', chain: [genesisBlock()], pending: [{ sender: 'a', recipient: 'b', amount: 1, id: 'x' }] };

  test('decode as they were encoded', () => {
    const { changes, problem } = readRecords(Buffer.from(encodeRecord(tamper) + encodeRecord(restore)));
    expect(problem).toBeUndefined();
    expect(toJson(changes as never)).toBe(toJson([tamper, restore] as never));
  });

  test.each([
    [{ type: 'tamper', at: 0, blocks: [{}] }],
    [{ type: 'tamper', at: 2, blocks: [] }],
    [{ type: 'restore', chain: [], pending: [] }],
    [{ type: 'restore', chain: [{}] }],
  ])('a malformed one is damage, not a change: %j', (record) => {
    const { changes, problem } = readRecords(Buffer.from(encodeRecord(record as never)));
    expect(changes).toEqual([]);
    expect(problem).toEqual({ kind: 'damaged', reason: 'not a chain change in the record at byte 0' });
  });

  test('replay after a restart rebuilds the tampered, then restored, state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainlab-lab-'));
    try {
      const store = await FileStore.open(dir, silentLogger);
      for (const change of Blockchain.replay([]).snapshot()) await store.record(change);
      for (const block of chain.slice(1)) await store.record({ type: 'block', block });
      await store.record(tamper);
      await store.close();
      const reopened = await FileStore.open(dir, silentLogger);
      const tampered = Blockchain.replay(await reopened.load());
      expect(toJson([...tampered.chain])).toBe(toJson([...tamperedChain(chain, { rehash: true }).blockchain.chain]));
      await reopened.record(restore);
      await reopened.close();
      const last = await FileStore.open(dir, silentLogger);
      const restored = Blockchain.replay(await last.load());
      await last.close();
      expect(restored.length).toBe(1);
      expect(restored.pending.map((transaction) => transaction.id)).toEqual(['x']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
