// The bench's proof-of-work sections: hash rates against openssl, time to mine a block, a node mining, and GET /chain while it mines.
import { chainlabHashRate, cpuHasShaNi, opensslHashRate, referenceHashRate, WITHOUT_SHA_NI } from './hash-rate.ts';
import { load } from './http-load.ts';
import { miningTimes } from './mining-time.ts';
import { nodeMiningRate } from './node-mining.ts';
import { startChainlab } from './processes.ts';
import { row, type Row } from './report.ts';
import { CORES, SIZES, SMOKE } from './sizes.ts';

/** A real node mining one block after another through GET /mine. */
const NODE_MINING = SMOKE ? { difficulty: 4, blocks: 2 } : { difficulty: 5, blocks: 40 };

/**
 * Proof search against openssl's SHA-256 of a short message, with SHA-NI (as the machine has it)
 * and without (what JS or wasm can reach), per worker, on every core, and on a real node.
 */
export async function hashRates(notes: string[]): Promise<Row[]> {
  const seconds = SIZES.rateSeconds;
  const shaNi = await opensslHashRate(seconds, 'as the machine has it');
  const software = await opensslHashRate(seconds, 'software');
  const python = await referenceHashRate(seconds);
  const one = await chainlabHashRate(1, seconds);
  const all = await chainlabHashRate(CORES, seconds);
  const [oneCore, allCores] = [one.hashesPerSecond, all.hashesPerSecond];
  const node = await nodeMiningRate(NODE_MINING.difficulty, NODE_MINING.blocks);
  const section = 'hash rate';
  const ni = cpuHasShaNi();
  const vsSoftware = (cores: number, goal?: string) => ({ anchor: `openssl software × ${cores}`, value: software * cores, goal });
  const vsShaNi = (cores: number) => ({ anchor: `openssl SHA-NI × ${cores}`, value: shaNi * cores });
  notes.push(
    `Hash rate: openssl speed hashes 16 bytes per call, the faster of \`sha256\` and \`-evp sha256\`, on 1 core, over wall time (-elapsed) as chainlab's rates are, as the machine has it (${ni === undefined ? 'no /proc/cpuinfo' : ni ? 'sha_ni in /proc/cpuinfo' : 'no sha_ni in /proc/cpuinfo'}) and in software (OPENSSL_ia32cap="${WITHOUT_SHA_NI}" masks SHA-NI, which no JS or wasm code can use). ` +
      'A proof-search guess, str(last_proof) + str(proof), is a handful of bytes: both sides hash one padded 64-byte block per guess. ' +
      `chainlab's rate is its proof workers' (src/node/proof-worker.ts) searching from 0 at a difficulty no proof meets; the node's rate is ${NODE_MINING.blocks} blocks at difficulty ${NODE_MINING.difficulty} mined through GET /mine one after another, the sum of proof + 1 (every search starts at 0) over the wall time. CPU time over wall time says how many cores each measurement got: below the core count, something else ran on the machine meanwhile and the rates are low by as much.`,
  );
  return [
    row(section, 'openssl sha256, 16 bytes, SHA-NI as the machine has it, 1 core', shaNi, 'hashes/s'),
    row(section, 'openssl sha256, 16 bytes, software (SHA-NI masked), 1 core', software, 'hashes/s', vsShaNi(1)),
    row(section, 'reference valid_proof loop (Python), 1 core', python, 'hashes/s', vsSoftware(1)),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', vsSoftware(1, '≥ 0.8×')),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', vsShaNi(1)),
    row(section, 'chainlab, 1 core', oneCore, 'hashes/s', { anchor: 'reference, 1 core', value: python }),
    row(section, `chainlab, ${CORES} cores`, allCores, 'hashes/s', { anchor: 'chainlab, 1 core', value: oneCore, goal: `→ ${CORES}×` }),
    row(section, `chainlab, ${CORES} cores`, allCores, 'hashes/s', vsSoftware(CORES, '≥ 0.8×')),
    row(section, `chainlab, ${CORES} cores`, allCores, 'hashes/s', vsShaNi(CORES)),
    row(section, 'chainlab, 1 core: CPU time over wall time', one.cores, 'cores'),
    row(section, `chainlab, ${CORES} cores: CPU time over wall time`, all.cores, 'cores', { anchor: 'cores', value: CORES }),
    row(
      section,
      `chainlab node, ${NODE_MINING.blocks} blocks at difficulty ${NODE_MINING.difficulty} via GET /mine: Σ(proof + 1) / wall time`,
      node.triesPerSecond,
      'hashes/s',
      vsSoftware(CORES, '≥ 0.8×'),
    ),
    row(section, `chainlab node, ${NODE_MINING.blocks} blocks: proofs tried`, node.tries, 'hashes'),
    row(section, `chainlab node, ${NODE_MINING.blocks} blocks: wall time`, node.seconds * 1000, 'ms'),
    row(section, `chainlab node, ${NODE_MINING.blocks} blocks: CPU time over wall time`, node.cores, 'cores', {
      anchor: 'cores',
      value: CORES,
    }),
  ];
}

export async function blockTimes(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const difficulty of [4, 5, 6] as const) {
    const blocks = SIZES.blocks[difficulty];
    if (blocks === 0) continue;
    const times = await miningTimes(difficulty, blocks, CORES);
    rows.push(row('time to mine a block', `difficulty ${difficulty}, median of ${blocks}`, times.medianMs, 'ms'));
    rows.push(row('time to mine a block', `difficulty ${difficulty}, p95 of ${blocks}`, times.p95Ms, 'ms'));
  }
  return rows;
}

/** p99 of GET /chain on a node that mines at difficulty 6 the whole time. */
export async function responsiveness(): Promise<Row[]> {
  const node = await startChainlab({ DIFFICULTY: '6' });
  let mining = true;
  const miningLoop = (async () => {
    while (mining) await fetch(`${node.url}/mine`).catch(() => undefined);
  })();
  try {
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the first search start
    const result = await load(`${node.url}/chain`, { seconds: SIZES.busySeconds, connections: 1 });
    return [
      row('responsiveness', 'GET /chain p99 while mining at difficulty 6', result.p99Ms, 'ms', {
        anchor: 'goal 50 ms',
        value: 50,
        goal: '< 1×',
      }),
    ];
  } finally {
    mining = false;
    await node.stop();
    await miningLoop;
  }
}
