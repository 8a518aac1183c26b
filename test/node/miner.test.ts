import { genesisBlock } from '../../src/chain/block.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { isValidProof, searchProof } from '../../src/chain/proof-of-work.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { createMiner, isAbortError, MinerClosedError, type ProofBase } from '../../src/node/miner.ts';
import { sleep } from '../support/eventually.ts';
import { vectors } from '../support/vectors.ts';

// The Miner tells nobody when a worker starts searching or retires, so the sleeps below give it the
// time to: a sleep too short makes a test prove less, never fail.

/** A search after `lastProof` under the notebook's rule, which reads no hash. */
const after = (lastProof: string): ProofBase => ({ lastProof, lastHash: '' });
const notebook = (difficulty: number): ChainRules => ({ difficulty, powRule: 'notebook', maxBlockBytes: 8_388_608 });

describe('createMiner', () => {
  test('finds the smallest proof with several threads, the one the reference finds', async () => {
    const miner = createMiner(3);
    try {
      for (const { last_proof, proof } of vectors.proof_chain) {
        expect(await miner.proofOfWork(after(String(last_proof)), notebook(4))).toBe(proof);
      }
    } finally {
      await miner.close();
    }
  });

  test('overlapping calls are served one after another, each with its own answer', async () => {
    const miner = createMiner(2);
    try {
      const proofs = await Promise.all(
        vectors.proof_chain.map(({ last_proof }) => miner.proofOfWork(after(String(last_proof)), notebook(4))),
      );
      expect(proofs).toEqual(vectors.proof_chain.map(({ proof }) => proof));
    } finally {
      await miner.close();
    }
  });

  test('workers retired after an idle spell come back for the next search', async () => {
    const miner = createMiner(2, { idleMs: 10 });
    try {
      expect(await miner.proofOfWork(after('100'), notebook(4))).toBe(35293);
      await sleep(100); // ten times idleMs: the workers retire
      expect(await miner.proofOfWork(after('35293'), notebook(4))).toBe(35089);
    } finally {
      await miner.close();
    }
  });

  test('a closed miner refuses new searches', async () => {
    const miner = createMiner(1);
    await miner.close();
    await expect(miner.proofOfWork(after('100'), notebook(4))).rejects.toBeInstanceOf(MinerClosedError);
  });

  test('closing stops a search under way with a 503 meant for the client', async () => {
    const miner = createMiner(1);
    const search = miner.proofOfWork(after('100'), notebook(8)); // hours of hashing
    await sleep(200); // let the worker start searching
    await miner.close();
    await expect(search).rejects.toBeInstanceOf(MinerClosedError);
    await expect(search).rejects.toMatchObject({ status: 503, expose: true });
  });

  test('an aborted search rejects with the abort reason; the search queued behind it, and later ones, find the smallest proof', async () => {
    const miner = createMiner(2);
    try {
      const tipChanged = new AbortController();
      const stale = miner.proofOfWork(after('100'), notebook(6), { signal: tipChanged.signal }); // 49259370: seconds of hashing
      const queued = miner.proofOfWork(after('35293'), notebook(4));
      await sleep(200); // let the workers start searching
      const reason = new Error('the tip changed');
      tipChanged.abort(reason);
      await expect(stale).rejects.toBe(reason);
      expect(await queued).toBe(35089);
      expect(await miner.proofOfWork(after('100'), notebook(4))).toBe(35293);
    } finally {
      await miner.close();
    }
  });

  test('a search aborted without a reason rejects with an AbortError', async () => {
    const miner = createMiner(1);
    try {
      const controller = new AbortController();
      const search = miner.proofOfWork(after('100'), notebook(6), { signal: controller.signal });
      await sleep(100); // let the worker start searching
      controller.abort();
      const error: unknown = await search.catch((error: unknown) => error);
      expect(error).toBeInstanceOf(DOMException);
      expect(isAbortError(error)).toBe(true);
      expect(isAbortError(new MinerClosedError())).toBe(false);
    } finally {
      await miner.close();
    }
  });

  test('an already aborted signal rejects at once, even behind a search that would take hours', async () => {
    const miner = createMiner(1);
    const reason = new Error('stale before it started');
    await expect(miner.proofOfWork(after('100'), notebook(4), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const long = miner.proofOfWork(after('100'), notebook(8)); // hours of hashing
    const closed = expect(long).rejects.toBeInstanceOf(MinerClosedError);
    await expect(miner.proofOfWork(after('100'), notebook(4), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await miner.close();
    await closed;
  });

  test('a search aborted while it waits for its turn rejects at once, without waiting for the one under way', async () => {
    const miner = createMiner(1);
    const long = miner.proofOfWork(after('100'), notebook(8)); // hours of hashing
    const closed = expect(long).rejects.toBeInstanceOf(MinerClosedError);
    const controller = new AbortController();
    const waiting = miner.proofOfWork(after('35293'), notebook(4), { signal: controller.signal });
    await sleep(50); // it waits behind the long search, not aborted before it is queued
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await miner.close();
    await closed;
  });

  test('under the linked rule, finds the smallest proof valid with the previous block hash', async () => {
    const miner = createMiner(2);
    try {
      const lastHash = hashBlock(genesisBlock());
      const proof = await miner.proofOfWork({ lastProof: '100', lastHash }, { difficulty: 4, powRule: 'linked', maxBlockBytes: 8_388_608 });
      expect(isValidProof(100, proof, { difficulty: 4, powRule: 'linked', maxBlockBytes: 8_388_608 }, lastHash)).toBe(true);
      expect(isValidProof(100, proof, { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 }, '')).toBe(false);
      expect(proof).toBe(searchProof('100', 4, 0, Number.MAX_SAFE_INTEGER, lastHash));
    } finally {
      await miner.close();
    }
  });
});
