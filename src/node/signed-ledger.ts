import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import type { Blockchain } from '../chain/blockchain.ts';
import {
  accountView,
  applyBlock,
  applyBlocks,
  fitsAccount,
  Ledger,
  ledgerOf,
  NO_OUTGOING,
  numberOf,
  withOutgoing,
  type AccountView,
  type Outgoing,
  type SignedTransaction,
} from '../chain/signed-rules.ts';
import type { Verdict } from '../chain/validate.ts';

/**
 * TX_RULE=signed's view of the node's state: the accounts its chain leaves, kept up to date as the
 * chain grows, and the one place where a client's transaction, a peer's batch, a peer's block and a
 * peer's chain are checked against them (the rules themselves are in chain/signed-rules.ts).
 */
export class SignedLedger {
  readonly #blockchain: Blockchain;
  /** The accounts of `chain[0, length)`, kept while the node's chain holds those same blocks (see ledger). */
  #cached: { chain: readonly Block[]; length: number; ledger: Ledger } | undefined;

  constructor(blockchain: Blockchain) {
    this.#blockchain = blockchain;
  }

  /**
   * The accounts the node's chain leaves. Its blocks were checked when they came, so none is
   * refused here. Kept from one call to the next while the chain keeps the blocks it was built
   * from (it grew, or a reorg kept them): only the blocks after them are applied.
   */
  ledger(): Ledger {
    const { chain } = this.#blockchain;
    const cached = this.#cached;
    if (cached === undefined || !sharesPrefix(cached.chain, chain, cached.length)) {
      this.#cached = { chain, length: 1, ledger: new Ledger() };
    }
    const current = this.#cached!;
    current.chain = chain;
    for (; current.length < chain.length; current.length++) applyBlock(current.ledger, chain[current.length]!, current.length + 1);
    return current.ledger;
  }

  account(address: string): AccountView {
    return accountView(this.ledger(), this.#blockchain.pending, address);
  }

  /**
   * `transactions`, checked in turn, split into those that fit the accounts with what is pending
   * (the expected nonce and a covering balance) and those that do not, with the reason. One the
   * node holds already fits: the pool says whether it is a copy (known) or another under its id.
   */
  sort(transactions: readonly SignedTransaction[]): { fit: SignedTransaction[]; unfit: { index: number; reason: string }[] } {
    const ledger = this.ledger();
    // One pass over the pool, for the batch's senders only: a batch costs the pool once, not once per transaction.
    const senders = new Set(transactions.map(({ sender }) => sender));
    const outgoing = new Map<string, Outgoing>();
    for (const held of this.#blockchain.pending) if (senders.has(held.sender)) addOutgoing(outgoing, held);
    const taken = new Set<string>();
    const fit: SignedTransaction[] = [];
    const unfit: { index: number; reason: string }[] = [];
    for (const [index, transaction] of transactions.entries()) {
      if (taken.has(transaction.id) || this.#holds(transaction)) {
        fit.push(transaction);
        continue;
      }
      const verdict = fitsAccount(transaction, ledger.account(transaction.sender), outgoingFor(outgoing, transaction.sender));
      if (!verdict.ok) {
        unfit.push({ index, reason: verdict.reason });
        continue;
      }
      fit.push(transaction);
      addOutgoing(outgoing, transaction);
      taken.add(transaction.id);
    }
    return { fit, unfit };
  }

  /**
   * The pending transactions the chain, as it is now, no longer leaves room for, each with the
   * reason: after a block or a reorg, a nonce the chain used (a copy of a transaction under
   * another id, or one a dropped block held that the new chain spent otherwise) or a balance it
   * spent. Checked in pool order, as a block would take them; one that fails holds up the
   * sender's later ones, which then leave a gap and go too.
   */
  unfit(): { transaction: Transaction; reason: string }[] {
    const ledger = this.ledger();
    const outgoing = new Map<string, Outgoing>();
    const unfit: { transaction: Transaction; reason: string }[] = [];
    for (const transaction of this.#blockchain.pending) {
      const verdict = isSigned(transaction)
        ? fitsAccount(transaction, ledger.account(transaction.sender), outgoingFor(outgoing, transaction.sender))
        : { ok: false as const, reason: 'it is not a signed transaction' };
      if (verdict.ok) addOutgoing(outgoing, transaction);
      else unfit.push({ transaction, reason: verdict.reason });
    }
    return unfit;
  }

  /** A peer's block on top of the node's tip, at `position`. */
  checkBlock(block: Block, position: number): Verdict<null> {
    const verdict = applyBlock(this.ledger().clone(), block, position);
    return verdict.ok ? { ok: true, value: null } : verdict;
  }

  /**
   * A peer's whole chain. One that keeps every block of the node's chain (a catch-up: the node's
   * blocks, then the peer's) is checked from the node's tip on, against the accounts kept; any
   * other, from its genesis block.
   */
  checkChain(chain: readonly Block[]): Verdict<null> {
    const ledger = this.ledger();
    const ours = this.#cached!;
    const verdict = sharesPrefix(ours.chain, chain, ours.length) ? applyBlocks(ledger.clone(), chain, ours.length) : ledgerOf(chain);
    return verdict.ok ? { ok: true, value: null } : verdict;
  }

  #holds(transaction: Transaction): boolean {
    const blockchain = this.#blockchain;
    return (
      blockchain.pendingTransaction(transactionKey(transaction)) !== undefined || blockchain.includedTransaction(transaction) !== undefined
    );
  }
}

/** A pooled transaction as TX_RULE=signed pools them (its signature was checked when it came). */
function isSigned(transaction: Transaction): transaction is SignedTransaction {
  const amount = numberOf(transaction.amount);
  return typeof transaction.nonce === 'number' && typeof transaction.signature === 'string' && amount !== undefined && amount > 0;
}

/** Whether `chain` holds the first `length` blocks of `kept`, the same objects (a block in a chain is never changed). */
function sharesPrefix(kept: readonly Block[], chain: readonly Block[], length: number): boolean {
  if (kept === chain) return true;
  if (chain.length < length) return false;
  for (let i = 0; i < length; i++) if (kept[i] !== chain[i]) return false;
  return true;
}

function outgoingFor(outgoing: Map<string, Outgoing>, sender: string): Outgoing {
  return outgoing.get(sender) ?? NO_OUTGOING;
}

/** Counts `transaction`, pooled or about to be, in its sender's pending outgoing. */
function addOutgoing(outgoing: Map<string, Outgoing>, transaction: Transaction): void {
  outgoing.set(transaction.sender, withOutgoing(outgoingFor(outgoing, transaction.sender), transaction));
}
