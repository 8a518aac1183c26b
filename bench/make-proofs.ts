// Regenerates fixtures/proofs-d4.json: the first COUNT proofs at difficulty 4 from the genesis proof
// 100, mined with the node's own miner on every core. Run: npm run bench:proofs -- 10000
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createMiner } from '../src/node/miner.ts';
import { BENCH_DIR } from './paths.ts';

async function main(count: number): Promise<void> {
  const miner = createMiner(availableParallelism());
  const proofs = [100];
  try {
    while (proofs.length < count) {
      proofs.push(
        await miner.proofOfWork(
          { lastProof: String(proofs[proofs.length - 1]), lastHash: '' },
          { difficulty: 4, powRule: 'notebook', maxBlockBytes: 8_388_608 },
        ),
      );
      if (proofs.length % 1000 === 0) console.log(`${proofs.length} proofs`);
    }
  } finally {
    await miner.close();
  }
  writeFileSync(join(BENCH_DIR, 'fixtures', 'proofs-d4.json'), `${JSON.stringify(proofs)}\n`);
}

main(Number(process.argv[2] ?? 10_000)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
