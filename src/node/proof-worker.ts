// A worker thread of the miner: searches one range of proofs per message, off the event loop.
import { parentPort } from 'node:worker_threads';
import { searchProof } from '../chain/proof-of-work.ts';

export interface SearchRequest {
  lastProof: string;
  difficulty: number;
  start: number;
  end: number;
  /** The previous block's hash under the `linked` rule; absent or '' under the notebook's. */
  lastHash?: string;
}

export interface SearchResult {
  proof: number | undefined;
}

parentPort?.on('message', ({ lastProof, difficulty, start, end, lastHash = '' }: SearchRequest) => {
  const result: SearchResult = { proof: searchProof(lastProof, difficulty, start, end, lastHash) };
  parentPort?.postMessage(result);
});
