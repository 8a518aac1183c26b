// TX_RULE=signed's validator against vectors from an independent implementation (@noble/curves).
import { genesisBlock, type Block } from '../../src/chain/block.ts';
import {
  applyBlock,
  fitsAccount,
  Ledger,
  ledgerOf,
  signedId,
  signedMessage,
  validSignedTransaction,
  verifySignature,
} from '../../src/chain/signed-rules.ts';
import { address, signedTx, signedVectors } from '../support/signed.ts';

const { example, valid } = signedVectors;
const reward = (to: string) => ({ sender: '0', recipient: to, amount: 1 });
const block = (transactions: unknown[]) => ({ index: 2, transactions, proof: 0, previous_hash: 'x' }) as unknown as Block;

describe('signed transactions: the wire format', () => {
  test.each([example, ...valid])('node:crypto verifies the vector of $amount with nonce $nonce', (vector) => {
    expect(signedMessage(vector)).toBe(vector.message);
    expect(verifySignature(vector.sender, vector.message, vector.signature)).toBe(true);
    const { sender, recipient, amount, nonce, signature } = vector;
    expect(validSignedTransaction({ sender, recipient, amount, nonce, signature })).toEqual({
      ok: true,
      value: { sender, recipient, amount, nonce, signature, id: signedId(signature) },
    });
  });

  test('an amount changed after signing, a forged sender and a flipped bit are bad signatures', () => {
    const { sender, recipient, nonce, signature } = example;
    const bad = (body: object) => validSignedTransaction(body as never);
    expect(bad({ sender, recipient, amount: 6, nonce, signature })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^bad signature/),
    });
    expect(bad({ sender: address('mallory'), recipient, amount: 5, nonce, signature })).toMatchObject({
      reason: expect.stringMatching(/^bad signature/),
    });
    const flipped = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    expect(bad({ sender, recipient, amount: 5, nonce, signature: flipped })).toMatchObject({
      reason: expect.stringMatching(/^bad signature/),
    });
  });

  test.each([
    [{ amount: -5 }, /amount must be a finite number > 0/],
    [{ amount: 0 }, /amount must be a finite number > 0/],
    [{ nonce: 1.5 }, /nonce must be a whole number/],
    [{ signature: undefined }, /Missing values: signature/],
    [{ sender: '0' }, /rewards exist only inside blocks/],
    [{ recipient: 'bob' }, /recipient must be an address/],
    [{ id: 'chosen' }, /id must be/],
  ])('%j is refused', (change, reason) => {
    const body: Record<string, unknown> = { ...example, message: undefined, ...change };
    for (const name of Object.keys(body)) if (body[name] === undefined) delete body[name];
    expect(validSignedTransaction(body as never)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  test("a client-made reward in the reward's own shape is refused as a reward, not for a missing signature", () => {
    expect(validSignedTransaction(reward(address('alice')))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/rewards exist only inside blocks/),
    });
  });
});

describe('signed transactions: the rules', () => {
  const tx = validSignedTransaction(signedTx('alice', 'bob', 1, 1));
  if (!tx.ok) throw new Error(tx.reason);

  test('the expected nonce: no replay, no gap; and a balance that covers it, pending outgoing counted', () => {
    expect(fitsAccount(tx.value, { balance: 1, nonce: 0 }, { amount: 0, nonce: 0 }).ok).toBe(true);
    expect(fitsAccount(tx.value, { balance: 1, nonce: 1 }, { amount: 0, nonce: 0 })).toMatchObject({
      reason: expect.stringMatching(/used already/),
    });
    expect(fitsAccount({ ...tx.value, nonce: 3 }, { balance: 9, nonce: 1 }, { amount: 0, nonce: 0 })).toMatchObject({
      reason: expect.stringMatching(/gap/),
    });
    expect(fitsAccount(tx.value, { balance: 0.5, nonce: 0 }, { amount: 0, nonce: 0 })).toMatchObject({
      reason: expect.stringMatching(/insufficient funds/),
    });
    expect(fitsAccount({ ...tx.value, nonce: 2 }, { balance: 1, nonce: 0 }, { amount: 0.5, nonce: 1 })).toMatchObject({
      reason: expect.stringMatching(/insufficient/),
    });
  });

  test('a block pays its reward and its transfers; exactly one reward, last', () => {
    const ledger = new Ledger();
    expect(applyBlock(ledger, block([reward(address('alice'))]), 2).ok).toBe(true);
    expect(applyBlock(ledger, block([signedTx('alice', 'bob', 1, 1), reward(address('bob'))]), 3).ok).toBe(true);
    expect(ledger.account(address('alice'))).toEqual({ balance: 0, nonce: 1 });
    expect(ledger.account(address('bob'))).toEqual({ balance: 2, nonce: 0 });
    const fresh = () => new Ledger();
    expect(applyBlock(fresh(), block([reward(address('alice')), reward(address('alice'))]), 2)).toMatchObject({
      reason: 'block 2 holds 2 rewards; exactly one, last, is allowed',
    });
    expect(applyBlock(fresh(), block([]), 2)).toMatchObject({ ok: false });
    expect(applyBlock(fresh(), block([reward('test-node')]), 2)).toMatchObject({ reason: expect.stringMatching(/not an address/) });
    expect(applyBlock(fresh(), block([{ ...reward(address('alice')), amount: 50 }]), 2)).toMatchObject({ ok: false });
  });

  test('a block with a bad signature, an overspend or a replay is refused, whatever else it holds', () => {
    const funded = () => {
      const ledger = new Ledger();
      applyBlock(ledger, block([reward(address('alice'))]), 2);
      return ledger;
    };
    const forged = signedTx('alice', 'mallory', 1, 1, 'mallory');
    expect(applyBlock(funded(), block([forged, reward(address('mallory'))]), 3)).toMatchObject({
      reason: expect.stringMatching(/^block 3, transaction 1: bad signature/),
    });
    const overspend = signedTx('alice', 'bob', 2, 1);
    expect(applyBlock(funded(), block([overspend, reward(address('bob'))]), 3)).toMatchObject({
      reason: expect.stringMatching(/insufficient funds/),
    });
    const once = signedTx('alice', 'bob', 0.5, 1);
    expect(applyBlock(funded(), block([once, once, reward(address('bob'))]), 3)).toMatchObject({
      reason: expect.stringMatching(/transaction 2: nonce 1 is used/),
    });
  });

  test("a miner cannot attach data to another's signed payment: a field the signature does not cover is refused", () => {
    const ledger = new Ledger();
    applyBlock(ledger, block([reward(address('alice'))]), 2);
    const memo = { ...signedTx('alice', 'bob', 0.5, 1), memo: 'x'.repeat(1000) };
    expect(applyBlock(ledger.clone(), block([memo, reward(address('bob'))]), 3)).toMatchObject({
      ok: false,
      reason: 'block 3, transaction 1 has a field the signature does not cover: memo',
    });
    const withId = { ...signedTx('alice', 'bob', 0.5, 1) };
    expect(applyBlock(ledger.clone(), block([{ ...withId, id: signedId(withId.signature) }, reward(address('bob'))]), 3)).toMatchObject({
      ok: true,
    });
  });

  test('an amount too small to leave the balance it is taken from cannot pay anyone from nothing', () => {
    const dust = signedTx('alice', 'bob', 5e-17, 1);
    const verdict = validSignedTransaction(dust);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(fitsAccount(verdict.value, { balance: 2, nonce: 0 }, { amount: 0, nonce: 0 })).toMatchObject({
      ok: false,
      reason: 'amount 5e-17 is too small to take from a balance of 2: nothing would leave it',
    });
    expect(fitsAccount(verdict.value, { balance: 1e-16, nonce: 0 }, { amount: 0, nonce: 0 })).toMatchObject({ ok: true });
  });

  test('ledgerOf folds a chain from its genesis block, and names the first bad block', () => {
    const chain = [genesisBlock(), block([reward(address('alice'))]), block([signedTx('bob', 'alice', 1, 1), reward(address('alice'))])];
    expect(ledgerOf(chain.slice(0, 2))).toMatchObject({ ok: true });
    expect(ledgerOf(chain)).toMatchObject({ ok: false, reason: expect.stringMatching(/^block 3, transaction 1: insufficient funds/) });
  });
});
