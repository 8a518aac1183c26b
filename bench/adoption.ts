import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Block } from '../src/chain/block.ts';
import { Blockchain } from '../src/chain/blockchain.ts';
import { searchProof } from '../src/chain/proof-of-work.ts';
import { pythonStr } from '../src/chain/py-json.ts';
import { freePort } from '../e2e/support/ports.ts';
import { storeChain } from './chain-fixture.ts';
import { BENCH_DIR } from './paths.ts';
import { post, residentBytes, serveChain, startChainlab, startReference, type NodeProcess } from './processes.ts';
import { median } from './stats.ts';

/** One fresh node adopting a chain: how long GET /nodes/resolve took, and its memory before and 1 s after. */
export interface Adoption {
  ms: number;
  idleBytes: number;
  afterBytes: number;
}

/** The medians of each side's runs. */
export interface AdoptionRace {
  chainlab: Adoption;
  reference: Adoption;
}

/** How long after an adoption its memory is read: what a node keeps, not what it passed through. */
const SETTLE_MS = 1000;

/**
 * Fresh chainlab and reference nodes, alternating (the first of each pair alternates too, so
 * neither side always runs on a machine warmed by the other), each adopting `chain` from one peer
 * that serves only GET /chain. chainlab runs without a periodic sync, so the resolve does the
 * adoption. Each side's figures are the medians of `runs`.
 */
export async function adoptionRace(chain: readonly Block[], runs: number): Promise<AdoptionRace> {
  const peer = await serveChain(chain);
  try {
    const samples = { chainlab: [] as Adoption[], reference: [] as Adoption[] };
    const sides = [
      { name: 'chainlab' as const, start: () => startChainlab({ SYNC_INTERVAL_MS: '0', NODE_ID: 'bench-adopter' }) },
      { name: 'reference' as const, start: startReference },
    ];
    for (let run = 0; run < runs; run++) {
      for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
        samples[side.name].push(await adoptOnce(await side.start(), peer.address, chain.length));
      }
    }
    return { chainlab: medianOf(samples.chainlab), reference: medianOf(samples.reference) };
  } finally {
    await peer.close();
  }
}

/** `node` adopting the chain of the peer at `peerAddress`; the node is stopped afterwards. */
async function adoptOnce(node: NodeProcess, peerAddress: string, length: number): Promise<Adoption> {
  try {
    await post(`${node.url}/nodes/register`, { nodes: [`http://${peerAddress}`] });
    const idleBytes = residentBytes(node.pid);
    const started = performance.now();
    const answer = (await (await fetch(`${node.url}/nodes/resolve`)).json()) as { message: string; new_chain?: unknown[] };
    const ms = performance.now() - started;
    if (answer.message !== 'Our chain was replaced' || answer.new_chain?.length !== length)
      throw new Error(`${node.name} did not adopt the ${length}-block chain: ${answer.message}`);
    await sleep(SETTLE_MS);
    return { ms, idleBytes, afterBytes: residentBytes(node.pid) };
  } finally {
    await node.stop();
  }
}

function medianOf(samples: readonly Adoption[]): Adoption {
  return {
    ms: median(samples.map((sample) => sample.ms)),
    idleBytes: median(samples.map((sample) => sample.idleBytes)),
    afterBytes: median(samples.map((sample) => sample.afterBytes)),
  };
}

/** `npm start`'s words: NAME=value settings, then `node`, its flags and the entry point. */
function npmStartWords(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(BENCH_DIR, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  return scripts.start.trim().split(/\s+/);
}

const SETTING = /^([A-Z_][A-Z0-9_]*)=(.*)$/;

/** The node flags `npm start` gives (the deployed command line, which the bench's chainlab shares). */
export function deployedNodeFlags(): string[] {
  return npmStartWords()
    .filter((word) => !SETTING.test(word))
    .slice(1, -1);
}

/** The environment `npm start` sets for the node (the image's ENV, which the bench's chainlab shares). */
export function deployedNodeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of npmStartWords()) {
    const setting = SETTING.exec(word);
    if (setting !== null) env[setting[1]!] = setting[2]!;
  }
  return env;
}

/**
 * The resident memory of a bare Koa app (bench/bare-koa.ts) run with chainlab's node flags and
 * environment, after it answered one request: the floor under any Koa node.
 */
export async function bareKoaBytes(): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, [...deployedNodeFlags(), join(__dirname, 'bare-koa.js')], {
    env: { ...process.env, ...deployedNodeEnv(), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await once(child.stdout, 'data'); // "listening"
    const response = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sender: 'a', recipient: 'b', amount: 5 }),
    });
    if (response.status !== 200) throw new Error(`the bare Koa app answered ${response.status}`);
    await response.arrayBuffer();
    await sleep(SETTLE_MS);
    return residentBytes(child.pid!);
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
}

/**
 * A valid chain of `length` blocks at difficulty 1, shaped as buildChain's (one transaction and
 * the reward each): 100,000 blocks at difficulty 4 would take the better part of an hour to mine.
 * What a node spends per block adopting or replaying it does not depend on the difficulty.
 */
export function easyChain(length: number): Block[] {
  const blockchain = new Blockchain();
  for (let i = 1; i < length; i++) {
    const proof = searchProof(pythonStr(blockchain.lastBlock.proof)!, 1, 0, Number.MAX_SAFE_INTEGER, '')!;
    blockchain.apply({ type: 'transaction', transaction: { sender: 'bench-sender', recipient: 'bench-recipient', amount: i } });
    blockchain.apply({ type: 'block', block: blockchain.forgeBlock(proof, 1_800_000_000.5 + i, 'bench-miner', 8_388_608) });
  }
  return [...blockchain.chain];
}

/** What a long chain (easyChain) costs chainlab: adopting it, holding it, and starting again from a DATA_DIR holding it. */
export interface LongChain {
  adoptMs: number;
  afterBytes: number;
  /** From spawning the process to GET /health answering, on a DATA_DIR holding the chain. */
  startMs: number;
  startBytes: number;
}

export async function longChainCosts(chain: readonly Block[]): Promise<LongChain> {
  const env = { DIFFICULTY: '1', SYNC_INTERVAL_MS: '0', PEER_TIMEOUT_MS: '60000', MAX_PEER_RESPONSE_BYTES: String(1 << 30) };
  const peer = await serveChain(chain);
  let adoption: Adoption;
  try {
    adoption = await adoptOnce(await startChainlab({ ...env, NODE_ID: 'bench-long' }), peer.address, chain.length);
  } finally {
    await peer.close();
  }
  const dir = mkdtempSync(join(tmpdir(), 'chainlab-bench-replay-'));
  try {
    await storeChain(dir, chain);
    const started = performance.now();
    const node = await startChainlab({ ...env, NODE_ID: 'bench-replay', DATA_DIR: dir, LOG_LEVEL: 'warn' });
    const startMs = performance.now() - started;
    try {
      await sleep(SETTLE_MS);
      return { adoptMs: adoption.ms, afterBytes: adoption.afterBytes, startMs, startBytes: residentBytes(node.pid) };
    } finally {
      await node.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
