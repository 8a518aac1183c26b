// `npm run bench`: chainlab measured against the reference node and the machine, in one run.
// BENCH_SMOKE=1 runs every measurement at tiny sizes in seconds (the test suite does, to prove it
// still runs); BENCH_OUT=dir writes the results elsewhere than bench/; BENCH_ONLY=name,… runs only
// the sections whose names start with one of those (e.g. BENCH_ONLY=gossip,catching), for working on one.
import { adoptionRace, bareKoaBytes, easyChain, longChainCosts } from './adoption.ts';
import { adoptionRows, longChainRows, memoryRows } from './adoption-rows.ts';
import { catchUpCosts } from './catch-up.ts';
import { buildChain, loadProofs } from './chain-fixture.ts';
import { OUT_DIR } from './paths.ts';
import { blockTimes, hashRates, responsiveness } from './mining-rows.ts';
import { adopt, throughput } from './http-rows.ts';
import { gossip, gossipMesh } from './gossip-rows.ts';
import { SIZES } from './sizes.ts';
import { startChainlab, startReference } from './processes.ts';
import { publish, row, type Row } from './report.ts';
import type { Block } from '../src/chain/block.ts';

async function main(): Promise<void> {
  const proofs = loadProofs();
  const rows: Row[] = [];
  const notes: string[] = [];
  const only = process.env.BENCH_ONLY?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const step = async (name: string, measure: () => Promise<Row[]>) => {
    if (only !== undefined && !only.some((prefix) => name.startsWith(prefix))) return;
    console.log(`… ${name}`);
    rows.push(...(await measure()));
  };
  await step('hash rate', () => hashRates(notes));
  await step('time to mine a block', blockTimes);
  await step('HTTP throughput', () => throughput(proofs, notes));
  await step('responsiveness while mining', responsiveness);
  await step('gossip', gossip);
  await step(`gossip, ${SIZES.meshNodes} nodes`, gossipMesh);
  await step('catching up', async () => {
    const chain = buildChain(SIZES.catchUp, proofs);
    const whole = await catchUpWhole(chain, notes);
    const race = await adoptionRace(chain, SIZES.adoptionRuns);
    const koa = await bareKoaBytes();
    const long = longChainRows(SIZES.longChain, await longChainCosts(easyChain(SIZES.longChain)));
    const missing = await catchUpMissing(chain, whole.referenceBytes, notes);
    return [...adoptionRows(chain.length, SIZES.adoptionRuns, race), ...whole.rows, ...long, ...missing, ...memoryRows(chain, race, koa)];
  });
  publish(rows, OUT_DIR, notes);
}

/** A fresh node adopting a long chain from a peer that only serves /chain: chainlab and the reference, the same chain. */
async function catchUpWhole(chain: readonly Block[], notes: string[]): Promise<{ rows: Row[]; referenceBytes: number }> {
  // No periodic sync: it could fetch the peer's whole chain once more while the resolve is measured.
  const [ours, theirs] = [await startChainlab({ SYNC_INTERVAL_MS: '0' }), await startReference()];
  try {
    const a = await adopt(ours, chain);
    const b = await adopt(theirs, chain);
    notes.push(
      `A fresh node catching up from a peer that only serves /chain, as the reference does, fetches the whole chain: ${b.bytes.toLocaleString('en-US')} bytes for ${chain.length} blocks.`,
    );
    const section = `catching up, ${chain.length} blocks`;
    return {
      // The times are adoptionRace's (fresh nodes, alternating, median); this run counts the bytes, through a relay.
      rows: [
        row(section, 'chainlab: bytes fetched', a.bytes, 'bytes', { anchor: 'reference', value: b.bytes }),
        row(section, 'reference: bytes fetched', b.bytes, 'bytes'),
      ],
      referenceBytes: b.bytes,
    };
  } finally {
    await Promise.all([ours.stop(), theirs.stop()]);
  }
}

/** chainlab nodes some blocks behind a chainlab peer: they fetch only what they lack. */
async function catchUpMissing(chain: readonly Block[], referenceBytes: number, notes: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const section = `catching up what is missing, ${chain.length} blocks`;
  for (const { behind, bytes, ms } of await catchUpCosts(chain, SIZES.behind, SIZES.catchUpRuns)) {
    const what = `${behind.toLocaleString('en-US')} ${behind === 1 ? 'block' : 'blocks'} behind`;
    rows.push(row(section, `${what}: bytes sent by the peer`, bytes, 'bytes', { anchor: 'reference, whole chain', value: referenceBytes }));
    if (behind > 0) rows.push(row(section, `${what}: bytes per missing block`, bytes / behind, 'bytes'));
    rows.push(row(section, `${what}: GET /nodes/resolve, median of ${SIZES.catchUpRuns}`, ms, 'ms'));
  }
  notes.push(
    `Behind a chainlab peer, a node asks GET /chain/tip, then GET /chain?from=N for the blocks it lacks: what the peer sends (HTTP headers included, counted by a relay) grows with the blocks missing, not with the ${chain.length}-block chain. ` +
      'GET /nodes/resolve answers with the whole chain, as the reference does: 0 blocks behind is that floor.',
  );
  return rows;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
