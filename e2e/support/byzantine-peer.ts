import { join } from 'node:path';
import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import type { Block, ForgedBlock } from '../../src/chain/block.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { isValidProof } from '../../src/chain/proof-of-work.ts';
import { toJson } from '../../src/chain/py-json.ts';
import { buildChain, copyChain } from '../../test/support/chains.ts';
import { REPO_ROOT } from './nodes.ts';

/** How a fake peer misbehaves; see e2e/fixtures/byzantine-peer.js. */
export type Behaviour = 'serve' | 'garbage' | 'slow-body' | 'hang' | 'claim-id' | 'stall';

/** One fake peer: a port of the byzantine container and what it does there. */
export interface FakePeer {
  /** What is wrong with it, for test names and messages. */
  name: string;
  port: number;
  behaviour: Behaviour;
  /** The chain it serves on /chain (with behaviour 'serve'), as exact JSON text. */
  chain: Block[];
  /** With behaviour 'claim-id': the `host:port` of the node whose id (from its /health) every answer claims. */
  claimsIdOf?: string;
}

/** The network alias of the container that runs every fake peer. */
export const BYZANTINE_HOST = 'byzantine';

/**
 * A valid chain of `length` blocks from the node's own genesis block (built with the project's
 * chain core at `difficulty`), and the bad variants a byzantine peer serves, one per port from
 * `firstPort` on.
 */
export function badPeers(length: number, firstPort: number, difficulty = 4): FakePeer[] {
  const valid = buildChain(length, { difficulty, miner: 'byzantine' });
  const variants: Omit<FakePeer, 'port'>[] = [
    { name: 'a transaction of block 2 changed', behaviour: 'serve', chain: tamperTransaction(valid) },
    { name: 'a broken previous_hash', behaviour: 'serve', chain: breakLastLink(valid) },
    { name: 'a bad proof', behaviour: 'serve', chain: breakLastProof(valid, difficulty) },
    { name: 'garbage instead of JSON', behaviour: 'garbage', chain: valid },
    { name: 'a body that never finishes', behaviour: 'slow-body', chain: valid },
    { name: 'a server that never answers', behaviour: 'hang', chain: valid },
  ];
  return variants.map((variant, i) => ({ ...variant, port: firstPort + i }));
}

/** Block 2's first transaction pays more: block 2's hash changes, so block 3's previous_hash no longer matches. */
function tamperTransaction(valid: readonly Block[]): Block[] {
  const chain = copyChain(valid);
  (chain[1] as ForgedBlock).transactions[0]!.amount = 1_000_000;
  return chain;
}

/** The last block points at a block that does not exist. */
function breakLastLink(valid: readonly Block[]): Block[] {
  const chain = copyChain(valid);
  chain[chain.length - 1]!.previous_hash = '0'.repeat(64);
  return chain;
}

/** The last block's proof is one that does not satisfy the proof of work. */
function breakLastProof(valid: readonly Block[], difficulty: number): Block[] {
  const chain = copyChain(valid);
  const last = chain[chain.length - 1]!;
  const lastProof = chain[chain.length - 2]!.proof;
  let proof = (last.proof as number) + 1;
  while (isValidProof(lastProof, proof, { difficulty, powRule: 'notebook', maxBlockBytes: 8_388_608 }, '')) proof++;
  last.proof = proof;
  return chain;
}

/**
 * Starts the fake peers in one container of a stock Node.js image on `network`, reachable by the
 * others as `byzantine:PORT`.
 */
export function startByzantinePeers(image: string, network: StartedNetwork, peers: readonly FakePeer[]): Promise<StartedTestContainer> {
  const config = peers.map(({ port, behaviour, chain, claimsIdOf }) => ({
    port,
    behaviour,
    claimsIdOf,
    chain: toJson({ chain, length: chain.length }),
    tip: toJson({ length: chain.length, hash: hashBlock(chain[chain.length - 1]!) }),
  }));
  return new GenericContainer(image)
    .withNetwork(network)
    .withNetworkAliases(BYZANTINE_HOST)
    .withCopyFilesToContainer([{ source: join(REPO_ROOT, 'e2e', 'fixtures', 'byzantine-peer.js'), target: '/fake/byzantine-peer.js' }])
    .withCopyContentToContainer([{ content: JSON.stringify(config), target: '/fake/peers.json' }])
    .withCommand(['node', '/fake/byzantine-peer.js', '/fake/peers.json'])
    .withWaitStrategy(Wait.forLogMessage(/byzantine peers listening/))
    .start();
}
