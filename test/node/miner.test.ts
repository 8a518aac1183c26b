import { createMiner, MinerClosedError } from '../../src/node/miner.ts';
import { vectors } from '../support/vectors.ts';

describe('createMiner', () => {
  test('finds the smallest proof with several threads, the one the reference finds', async () => {
    const miner = createMiner(3);
    try {
      for (const { last_proof, proof } of vectors.proof_chain) {
        expect(await miner.proofOfWork(String(last_proof), 4)).toBe(proof);
      }
    } finally {
      await miner.close();
    }
  });

  test('overlapping calls are served one after another, each with its own answer', async () => {
    const miner = createMiner(2);
    try {
      const proofs = await Promise.all(vectors.proof_chain.map(({ last_proof }) => miner.proofOfWork(String(last_proof), 4)));
      expect(proofs).toEqual(vectors.proof_chain.map(({ proof }) => proof));
    } finally {
      await miner.close();
    }
  });

  test('workers retired after an idle spell come back for the next search', async () => {
    const miner = createMiner(2, { idleMs: 10 });
    try {
      expect(await miner.proofOfWork('100', 4)).toBe(35293);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await miner.proofOfWork('35293', 4)).toBe(35089);
    } finally {
      await miner.close();
    }
  });

  test('a closed miner refuses new searches', async () => {
    const miner = createMiner(1);
    await miner.close();
    await expect(miner.proofOfWork('100', 4)).rejects.toBeInstanceOf(MinerClosedError);
  });

  test('closing stops a search under way with a 503 meant for the client', async () => {
    const miner = createMiner(1);
    const search = miner.proofOfWork('100', 8); // hours of hashing
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the worker start searching
    await miner.close();
    await expect(search).rejects.toBeInstanceOf(MinerClosedError);
    await expect(search).rejects.toMatchObject({ status: 503, expose: true });
  });
});
