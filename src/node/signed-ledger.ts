import { transactionKey, type Block, type Transaction } from '../chain/block.ts';
import { PyFloat } from '../chain/py-json.ts';
import type { Blockchain } from '../chain/blockchain.ts';
import {
  accountView,
  applyBlock,
  fitsAccount,
  Ledger,
  ledgerOf,
  outgoingOf,
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
  /** The accounts of `chain[0, length)`: the chain only grows in place or is replaced by another array. */
  #cached: { chain: readonly Block[]; length: number; ledger: Ledger } | undefined;

  constructor(blockchain: Blockchain) {
    this.#blockchain = blockchain;
  }

  /** The accounts the node's chain leaves. Its blocks were checked when they came, so none is refused here. */
  ledger(): Ledger {
    const { chain } = this.#blockchain;
    const cached = this.#cached;
    if (cached === undefined || cached.chain !== chain || cached.length > chain.length) {
      this.#cached = { chain, length: 1, ledger: new Ledger() };
    }
    const current = this.#cached!;
    for (; current.length < chain.length; current.length++) applyBlock(current.ledger, chain[current.length]!, current.length + 1);
    return current.ledger;
  }

  account(address: string): AccountView {
    return accountView(this.ledger(), this.#blockchain.pending, address);
  }

  /**
   * Whether `transactions`, checked in turn, fit the accounts with what is pending: the expected
   * nonce and a covering balance. One the node holds already passes: the pool says whether it is
   * a copy (known) or another transaction under its id.
   */
  admit(transactions: readonly SignedTransaction[]): Verdict<null> {
    const ledger = this.ledger();
    const pending: Transaction[] = [...this.#blockchain.pending];
    for (const [i, transaction] of transactions.entries()) {
      if (this.#holds(transaction) || pending.some((held) => held.id === transaction.id)) continue;
      const verdict = fitsAccount(transaction, ledger.account(transaction.sender), outgoingOf(pending, transaction.sender));
      if (!verdict.ok) return transactions.length === 1 ? verdict : { ok: false, reason: `transactions[${i}]: ${verdict.reason}` };
      pending.push(transaction);
    }
    return { ok: true, value: null };
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
      const { sender } = transaction;
      const before = outgoing.get(sender) ?? { amount: 0, nonce: 0 };
      const verdict = isSigned(transaction)
        ? fitsAccount(transaction, ledger.account(sender), before)
        : { ok: false as const, reason: 'it is not a signed transaction' };
      if (!verdict.ok) {
        unfit.push({ transaction, reason: verdict.reason });
        continue;
      }
      outgoing.set(sender, { amount: before.amount + amountOf(transaction), nonce: verdict.value.nonce });
    }
    return unfit;
  }

  /** A peer's block on top of the node's tip, at `position`. */
  checkBlock(block: Block, position: number): Verdict<null> {
    const verdict = applyBlock(this.ledger().clone(), block, position);
    return verdict.ok ? { ok: true, value: null } : verdict;
  }

  /** A peer's whole chain, from the genesis block. */
  checkChain(chain: readonly Block[]): Verdict<null> {
    const verdict = ledgerOf(chain);
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
  return typeof transaction.nonce === 'number' && typeof transaction.signature === 'string' && amountOf(transaction) > 0;
}

function amountOf(transaction: Transaction): number {
  const { amount } = transaction;
  if (amount instanceof PyFloat) return amount.value;
  return typeof amount === 'number' ? amount : Number.NaN;
}
