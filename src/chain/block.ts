import { jsonLength } from './json-length.ts';
import type { JsonObject, JsonValue } from './py-json.ts';
import { canonicalJson, PyFloat } from './py-json.ts';

/**
 * A block as the reference serves it: `{index, timestamp, transactions, proof, previous_hash}`.
 * Blocks from peers are only guaranteed what the reference's rules read (`proof`, `previous_hash`);
 * any other field is kept as it came, since it is part of the block's hash.
 */
export interface Block extends JsonObject {
  proof: JsonValue;
  previous_hash: JsonValue;
}

/** A block this node forged itself: every field present, as the reference's `new_block` makes it. */
export interface ForgedBlock extends Block {
  index: number;
  timestamp: number | PyFloat;
  transactions: Transaction[];
  proof: number;
  previous_hash: string;
}

/**
 * A transaction: the reference's three fields, and an `id` (a string) given by the node that first
 * accepted it, so that copies arriving by other paths (gossip, a reorg) are recognised.
 * Transactions from reference nodes, and mining rewards, have no id.
 */
export interface Transaction extends JsonObject {
  sender: string;
  recipient: string;
  amount: JsonValue;
}

/** Sender of the mining reward, as in the reference. */
export const REWARD_SENDER = '0';
export const REWARD_AMOUNT = 1;

/**
 * The reference stamps its genesis block with the time it started, so no two nodes share one.
 * Ours is fixed, so every chainlab node starts from the same history. validChain accepts a genesis
 * block with any timestamp, so chains from reference nodes remain acceptable.
 */
export const GENESIS_TIMESTAMP = 1506988800.0; // 2017-10-03, the week the tutorial was published

export function genesisBlock(): Block {
  return {
    index: 1,
    timestamp: new PyFloat(GENESIS_TIMESTAMP),
    transactions: [],
    proof: 100,
    previous_hash: 1,
  };
}

/**
 * The key the pool keeps a transaction under: its id, or for one without, its whole content. One
 * key holds one pending transaction; in the chain, a copy under the same id is the same
 * transaction only if its content is too (see ChainTransactions).
 */
export function transactionKey(transaction: Transaction): string {
  return typeof transaction.id === 'string' ? `id:${transaction.id}` : `json:${canonicalJson(transaction)}`;
}

/**
 * What a transaction costs in the pool, on the wire and (give or take a space after each ',' and
 * ':') in a block: the length of toJson(transaction), counted without writing it.
 */
export function transactionBytes(transaction: Transaction): number {
  return jsonLength(transaction, 'compact');
}

/** A mining reward, as the reference writes it: from "0", with no id. It is never pooled again. */
export function isReward(transaction: Transaction): boolean {
  return transaction.sender === REWARD_SENDER && transaction.id === undefined;
}

/** The reward transaction the reference appends last to every block it mines. */
export function rewardTransaction(nodeId: string): Transaction {
  return { sender: REWARD_SENDER, recipient: nodeId, amount: REWARD_AMOUNT };
}
