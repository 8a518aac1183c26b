// The lesson of the reference's issue #10. The notebook's proof of work hashes f"{last_proof}{proof}":
// the previous proof and nothing of the block. So an attacker can rewrite a block deep in the chain,
// fix every later previous_hash (one hash per block, no mining at all) and keep every proof.
// The tutorial's fix, POW_RULE=linked, hashes f"{last_proof}{proof}{last_hash}": each proof then
// covers the block before it, and rewriting a block means mining every block after it again.
import type { Block, Transaction } from '../../src/chain/block.ts';
import { Blockchain } from '../../src/chain/blockchain.ts';
import { preferenceOrder } from '../../src/chain/consensus.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { searchProof, type PowRule } from '../../src/chain/proof-of-work.ts';
import { pythonStr } from '../../src/chain/py-json.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { validChain } from '../../src/chain/validate.ts';
import { buildChain, copyChain, MAX_BLOCK_BYTES } from '../support/chains.ts';

const DIFFICULTY = 4;
const NOTEBOOK: ChainRules = { difficulty: DIFFICULTY, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES };
const LINKED: ChainRules = { difficulty: DIFFICULTY, powRule: 'linked', maxBlockBytes: MAX_BLOCK_BYTES };

/** Alice's payment to bob in block 2 (buildChain has her pay bob 1 there). */
function paymentInBlock2(chain: readonly Block[]): Transaction {
  return (chain[1]!.transactions as Transaction[])[0]!;
}

/** The attack: alice's payment in block 2 now says `amount`, and the chain is relinked around it. */
function tamper(chain: readonly Block[], amount: number): Block[] {
  const tampered = copyChain(chain);
  // Step 1: rewrite history. Block 2's hash changes with it, so block 3 no longer points at it...
  paymentInBlock2(tampered).amount = amount;
  // Step 2: ...so point every later block at its changed predecessor again. Each takes one
  // hashBlock, not a proof of work: every proof is left as it was.
  for (let i = 2; i < tampered.length; i++) tampered[i]!.previous_hash = hashBlock(tampered[i - 1]!);
  return tampered;
}

/** The smallest proof for a block after `previous`, under `rule`. */
function mine(previous: Block, rule: PowRule): number {
  const lastHash = rule === 'linked' ? hashBlock(previous) : '';
  return searchProof(pythonStr(previous.proof)!, DIFFICULTY, 0, Number.MAX_SAFE_INTEGER, lastHash)!;
}

describe("the notebook's rule: a proof does not cover the block's contents", () => {
  const honest = buildChain(4, { difficulty: DIFFICULTY, rule: 'notebook' });

  test('an attacker changes a payment deep in the chain, relinks it, and the chain is still valid', () => {
    expect(validChain(honest, NOTEBOOK).ok).toBe(true);
    expect(paymentInBlock2(honest)).toEqual({ sender: 'alice', recipient: 'bob', amount: 1 });

    const tampered = tamper(honest, 500);

    // The payment really changed, and no proof was redone...
    expect(paymentInBlock2(tampered)).toEqual({ sender: 'alice', recipient: 'bob', amount: 500 });
    expect(tampered.map((block) => block.proof)).toEqual(honest.map((block) => block.proof));
    // ...yet every rule the network checks still holds: the attack succeeds.
    expect(validChain(tampered, NOTEBOOK)).toEqual({ ok: true, value: tampered });
  });

  test('with one freshly mined block on top, the tampered chain wins the longest-chain rule', () => {
    const tampered = tamper(honest, 500);

    // Step 3: mine a single block, as any node does every few milliseconds at difficulty 4.
    const attacker = new Blockchain(tampered);
    const proof = mine(attacker.lastBlock, 'notebook');
    attacker.apply({ type: 'block', block: attacker.forgeBlock(proof, 1_900_000_000.5, 'attacker', MAX_BLOCK_BYTES) });
    const longer = [...attacker.chain];

    // Every honest node that resolves now adopts the attacker's history.
    expect(validChain(longer, NOTEBOOK).ok).toBe(true);
    expect(
      preferenceOrder(honest.length, [
        { peer: 'honest:5000', length: honest.length },
        { peer: 'attacker:5000', length: longer.length },
      ])[0]?.peer,
    ).toBe('attacker:5000');
    expect(paymentInBlock2(longer).amount).toBe(500);
  });
});

describe('the linked rule: each proof covers the hash of the block before it', () => {
  const honest = buildChain(4, { difficulty: DIFFICULTY, rule: 'linked' });

  test('the same attack is caught at the first block after the change', () => {
    expect(validChain(honest, LINKED).ok).toBe(true);

    const tampered = tamper(honest, 500);

    // Block 2's own proof still holds (it covers block 1, untouched), but block 3's proof was
    // found for the old hash of block 2: under the new one it is just a number.
    expect(validChain(tampered, LINKED)).toEqual({
      ok: false,
      reason: `block 3: proof ${pythonStr(tampered[2]!.proof)} is not valid after block 2`,
    });
  });

  test('to make it valid again the attacker must mine every later block anew, outpacing the whole network', () => {
    const tampered = tamper(honest, 500);

    // Each later block needs a new proof, and a new proof changes its hash, so the next block's too.
    for (let i = 2; i < tampered.length; i++) {
      tampered[i]!.previous_hash = hashBlock(tampered[i - 1]!);
      tampered[i]!.proof = mine(tampered[i - 1]!, 'linked');
    }

    // Possible, but it costs the work of every block since the change: that is what proof of work is for.
    expect(validChain(tampered, LINKED).ok).toBe(true);
    expect(tampered.slice(2).map((block) => block.proof)).not.toEqual(honest.slice(2).map((block) => block.proof));
  });
});
