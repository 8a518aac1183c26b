// A worker thread of the miner: searches one range of proofs per message, off the event loop.
import { parentPort } from 'node:worker_threads';
import { searchProof } from '../chain/proof-of-work.ts';

export interface SearchRequest {
  lastProof: string;
  difficulty: number;
  start: number;
  end: number;
  /** What follows the two proofs in every guess (see guessSuffix): '' under the notebook's rule. */
  suffix: string;
}

export interface SearchResult {
  proof: number | undefined;
}

parentPort?.on('message', ({ lastProof, difficulty, start, end, suffix }: SearchRequest) => {
  const result: SearchResult = { proof: searchProof(lastProof, difficulty, start, end, suffix) };
  parentPort?.postMessage(result);
});
