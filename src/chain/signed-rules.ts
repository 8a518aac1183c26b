import { createHash, createPublicKey, verify } from 'node:crypto';
import { REWARD_AMOUNT, REWARD_SENDER, type Block, type Transaction } from './block.ts';
import { canonicalJson, PyFloat, type JsonValue } from './py-json.ts';
import { isObject, shown, validTransaction, type TransactionRequirements, type Verdict } from './validate.ts';

/**
 * TX_RULE=signed: who may spend what. The notebook's rule (`open`) lets anyone send anyone's coins,
 * spend coins nobody has and replay a payment; under `signed` an address is an Ed25519 public key,
 * a transaction is signed by its sender's key, numbered by its sender (the nonce) and covered by
 * the sender's balance. Everything here is pure: the caller hands in the chain and the pool.
 */
export type TxRule = 'open' | 'signed';
export const TX_RULES: readonly TxRule[] = ['open', 'signed'];

/** An address: the 64-hex-digit raw Ed25519 public key. */
export const ADDRESS = /^[0-9a-f]{64}$/;
const SIGNATURE = /^[0-9a-f]{128}$/;

/** A transaction as TX_RULE=signed takes it: the notebook's three fields, a nonce and a signature. */
export interface SignedTransaction extends Transaction {
  /** As it came, 5 or 5.0: the signature covers its text. */
  amount: number | PyFloat;
  nonce: number;
  signature: string;
  id: string;
}

/** The text a sender signs: the canonical JSON (Python's `json.dumps(sort_keys=True)`) of the four signed fields. */
/** The four fields a sender signs. */
export interface SignedFields {
  amount: number | PyFloat;
  nonce: number;
  recipient: string;
  sender: string;
}

export function signedMessage({ amount, nonce, recipient, sender }: SignedFields): string {
  return canonicalJson({ amount, nonce, recipient, sender });
}

/**
 * The id of a signed transaction, worked out from its signature rather than given: an identical
 * replay then carries the same id, and the pool's identity check (known / conflict) sees it as a
 * copy. Ed25519 signatures are deterministic, so one content has one signature.
 */
export function signedId(signature: string): string {
  return createHash('sha256').update(signature).digest('hex').slice(0, 32);
}

/** Whether `signature` (128 hex) is `sender`'s (64 hex) over `message`, by node:crypto. */
export function verifySignature(sender: string, message: string, signature: string): boolean {
  try {
    const x = Buffer.from(sender, 'hex').toString('base64url');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    return verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(signature, 'hex'));
  } catch {
    return false; // not a point on the curve: no signature is its
  }
}

const ok = <T>(value: T): Verdict<T> => ({ ok: true, value });
const fail = <T>(reason: string): Verdict<T> => ({ ok: false, reason });

/** A plain JSON number as the parser gives one (a float as PyFloat), or undefined. */
export function numberOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat) return value.value;
  return undefined;
}

/**
 * The shape and signature of a signed transaction, from a client or a peer, with no look at the
 * chain. `amount` keeps its form (5 or 5.0) since the signature covers its text.
 */
export function validSignedTransaction(body: JsonValue): Verdict<SignedTransaction> {
  if (!isObject(body)) return fail('the body must be a JSON object with sender, recipient, amount, nonce and signature');
  // Before the missing fields: a client-made reward has no nonce or signature, and the reason must say what it is.
  if (body.sender === REWARD_SENDER) return fail(`sender "${REWARD_SENDER}" is the mining reward's: rewards exist only inside blocks`);
  const missing = ['sender', 'recipient', 'amount', 'nonce', 'signature'].filter((name) => !Object.hasOwn(body, name));
  if (missing.length > 0) return fail(`Missing values: ${missing.join(', ')}`);
  const { sender, recipient, amount, nonce, signature } = body;
  if (typeof sender !== 'string' || !ADDRESS.test(sender))
    return fail('sender must be an address: 64 lowercase hex digits, an Ed25519 public key');
  if (typeof recipient !== 'string' || !ADDRESS.test(recipient)) return fail('recipient must be an address: 64 lowercase hex digits');
  const value = numberOf(amount);
  if (value === undefined || !Number.isFinite(value) || value <= 0) return fail(`amount must be a finite number > 0, not ${shown(amount)}`);
  if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 1)
    return fail(`nonce must be a whole number from 1, not ${shown(nonce)}`);
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return fail('signature must be 128 lowercase hex digits');
  const id = signedId(signature);
  if (Object.hasOwn(body, 'id') && body.id !== id) return fail(`id must be ${id}, the one the signature gives, or left out`);
  const fields = { sender, recipient, amount: amount as number | PyFloat, nonce };
  if (!verifySignature(sender, signedMessage(fields), signature))
    return fail(`bad signature: it is not ${glimpseAddress(sender)}'s over ${signedMessageShape}`);
  return ok({ ...fields, signature, id });
}

const signedMessageShape = 'the canonical JSON of {amount, nonce, recipient, sender}';
const glimpseAddress = (address: string) => `${address.slice(0, 8)}...`;

/**
 * A transaction's shape (and under `signed` its signature) as a client or a peer sends it, under
 * `rule`. Under `signed` its id is the one its signature gives, so `requirements` are for `open` only.
 */
export function validTransactionUnder(rule: TxRule, body: JsonValue, requirements?: TransactionRequirements): Verdict<Transaction> {
  return rule === 'signed' ? validSignedTransaction(body) : validTransaction(body, requirements);
}

/** One account: its confirmed balance and the nonce of its last transaction in the chain. */
export interface Account {
  balance: number;
  nonce: number;
}

/** Every account the chain touches, built block by block (see applyBlock). */
export class Ledger {
  readonly #accounts: Map<string, Account>;

  constructor(accounts = new Map<string, Account>()) {
    this.#accounts = accounts;
  }

  account(address: string): Account {
    return this.#accounts.get(address) ?? { balance: 0, nonce: 0 };
  }

  clone(): Ledger {
    return new Ledger(new Map([...this.#accounts].map(([address, account]) => [address, { ...account }])));
  }

  /** Pays out `transaction`, a reward or a checked transfer. */
  apply(transaction: Transaction): void {
    const amount = numberOf(transaction.amount) ?? 0;
    const to = this.account(transaction.recipient);
    this.#accounts.set(transaction.recipient, { ...to, balance: to.balance + amount });
    if (transaction.sender === REWARD_SENDER) return;
    const from = this.account(transaction.sender);
    const nonce = typeof transaction.nonce === 'number' ? transaction.nonce : from.nonce;
    this.#accounts.set(transaction.sender, { balance: from.balance - amount, nonce });
  }
}

/** What a sender has pending: the sum of its amounts, and its last nonce in the pool (0 for none). */
export interface Outgoing {
  amount: number;
  nonce: number;
}

/** Nothing pending. */
export const NO_OUTGOING: Outgoing = Object.freeze({ amount: 0, nonce: 0 });

/** `outgoing` with one more of its sender's pending transactions counted. */
export function withOutgoing(outgoing: Outgoing, transaction: Transaction): Outgoing {
  const nonce = typeof transaction.nonce === 'number' ? Math.max(outgoing.nonce, transaction.nonce) : outgoing.nonce;
  return { amount: outgoing.amount + (numberOf(transaction.amount) ?? 0), nonce };
}

/** The sender's pending outgoing transactions, from the pool. */
export function outgoingOf(pending: readonly Transaction[], sender: string): Outgoing {
  let outgoing = NO_OUTGOING;
  for (const transaction of pending) if (transaction.sender === sender) outgoing = withOutgoing(outgoing, transaction);
  return outgoing;
}

/**
 * A checked transaction against its sender's account and pending outgoing: the next nonce (so no
 * replay and no gap) and a balance that covers it.
 */
export function fitsAccount(transaction: SignedTransaction, account: Account, outgoing: Outgoing): Verdict<SignedTransaction> {
  const expected = Math.max(account.nonce, outgoing.nonce) + 1;
  if (transaction.nonce < expected) return fail(`nonce ${transaction.nonce} is used already: the sender's next nonce is ${expected}`);
  if (transaction.nonce > expected) return fail(`nonce ${transaction.nonce} leaves a gap: the sender's next nonce is ${expected}`);
  const available = account.balance - outgoing.amount;
  const amount = numberOf(transaction.amount) ?? Number.NaN;
  if (!(amount <= available))
    return fail(
      `insufficient funds: the sender has ${available} available (balance ${account.balance}, ${outgoing.amount} pending out), not ${amount}`,
    );
  // Balances are floats: an amount too small to change the sender's would pay the recipient from nothing.
  if (account.balance - amount === account.balance)
    return fail(`amount ${amount} is too small to take from a balance of ${account.balance}: nothing would leave it`);
  return ok(transaction);
}

/** What a transfer in a block may hold: the signed fields, the signature, and the id it gives. */
const TRANSFER_FIELDS = new Set(['sender', 'recipient', 'amount', 'nonce', 'signature', 'id']);

/** A field of `transaction` outside TRANSFER_FIELDS, if any: a miner must not attach data to another's payment. */
function unsignedField(transaction: JsonValue): string | undefined {
  if (!isObject(transaction)) return undefined;
  return Object.keys(transaction)
    .find((name) => !TRANSFER_FIELDS.has(name))
    ?.slice(0, 40);
}

/** A mining reward as the reference writes it, paid to an address. */
function unlikeReward(transaction: JsonValue): string | undefined {
  if (!isObject(transaction)) return 'it is not an object';
  const { sender, recipient, amount } = transaction;
  const names = Object.keys(transaction).sort().join(',');
  if (names !== 'amount,recipient,sender') return `it has fields ${names}; a reward has only sender, recipient and amount`;
  if (sender !== REWARD_SENDER || amount !== REWARD_AMOUNT) return `a reward is from "${REWARD_SENDER}" and of ${REWARD_AMOUNT}`;
  if (typeof recipient !== 'string' || !ADDRESS.test(recipient)) return 'its recipient is not an address (64 hex digits)';
  return undefined;
}

/**
 * Checks `block`'s transactions against `ledger`, the accounts as the chain before it leaves them,
 * and applies them to it: each transfer signed, numbered and covered in turn, and exactly one
 * reward, last. `ledger` is changed even when the block is refused: hand in a clone.
 */
export function applyBlock(ledger: Ledger, block: Block, position: number): Verdict<Ledger> {
  const where = `block ${position}`;
  const transactions = block.transactions;
  if (!Array.isArray(transactions) || transactions.length === 0) return fail(`${where} has no transactions; it needs its reward, last`);
  const rewards = transactions.filter((transaction) => isObject(transaction) && transaction.sender === REWARD_SENDER).length;
  if (rewards !== 1) return fail(`${where} holds ${rewards} rewards; exactly one, last, is allowed`);
  const reward = transactions[transactions.length - 1] ?? null;
  const unlike = unlikeReward(reward);
  if (unlike !== undefined) return fail(`${where}: the last transaction is not a reward: ${unlike}`);
  for (let i = 0; i < transactions.length - 1; i++) {
    const extra = unsignedField(transactions[i] ?? null);
    if (extra !== undefined) return fail(`${where}, transaction ${i + 1} has a field the signature does not cover: ${extra}`);
    const verdict = validSignedTransaction(transactions[i] ?? null);
    const fits = verdict.ok ? fitsAccount(verdict.value, ledger.account(verdict.value.sender), NO_OUTGOING) : verdict;
    if (!fits.ok) return fail(`${where}, transaction ${i + 1}: ${fits.reason}`);
    ledger.apply(fits.value);
  }
  ledger.apply(reward as Transaction);
  return ok(ledger);
}

/** The accounts `chain` leaves, every block after the genesis checked (see applyBlock). */
export function ledgerOf(chain: readonly Block[]): Verdict<Ledger> {
  return applyBlocks(new Ledger(), chain, 1);
}

/** Applies `chain`'s blocks from position `from` (0-based) on to `ledger`, each checked; stops at the first bad one. */
export function applyBlocks(ledger: Ledger, chain: readonly Block[], from: number): Verdict<Ledger> {
  for (let i = from; i < chain.length; i++) {
    const verdict = applyBlock(ledger, chain[i]!, i + 1);
    if (!verdict.ok) return verdict;
  }
  return ok(ledger);
}

/** What GET /accounts/:address answers: the confirmed balance, what pending outgoing leaves, the nonce to use next. */
export interface AccountView {
  address: string;
  balance: number;
  available: number;
  next_nonce: number;
}

export function accountView(ledger: Ledger, pending: readonly Transaction[], address: string): AccountView {
  const account = ledger.account(address);
  const outgoing = outgoingOf(pending, address);
  const nextNonce = Math.max(account.nonce, outgoing.nonce) + 1;
  return { address, balance: account.balance, available: account.balance - outgoing.amount, next_nonce: nextNonce };
}
