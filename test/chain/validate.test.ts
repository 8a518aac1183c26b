import type { Block } from '../../src/chain/block.ts';
import { hashBlock } from '../../src/chain/hash.ts';
import { type JsonObject, type JsonValue } from '../../src/chain/py-json.ts';
import { parseJson } from '../../src/chain/py-json-parse.ts';
import { isValidProof } from '../../src/chain/proof-of-work.ts';
import type { ChainRules } from '../../src/chain/rules.ts';
import { validChain, validChainResponse, validTransaction } from '../../src/chain/validate.ts';
import { buildChain, copyChain, MAX_BLOCK_BYTES } from '../support/chains.ts';
import { vectors } from '../support/vectors.ts';

const RULES: ChainRules = { difficulty: 4, powRule: 'notebook', maxBlockBytes: MAX_BLOCK_BYTES };
const chain = buildChain(5);
const reasonOf = (input: JsonValue | undefined) => {
  const verdict = validChain(input, RULES);
  return verdict.ok ? 'ok' : verdict.reason;
};
const tampered = (edit: (blocks: Block[]) => void): Block[] => {
  const copy = copyChain(chain);
  edit(copy);
  return copy;
};
const block = (blocks: Block[], position: number): JsonObject => blocks[position - 1]!;

describe('validChain', () => {
  test('accepts a chain built by the rules', () => {
    expect(reasonOf(chain)).toBe('ok');
  });

  test("accepts the reference's own chain: its genesis has a timestamp of its own, not ours", () => {
    const [genesis, mined] = vectors.blocks.map((vector) => parseJson(vector.json));
    expect(reasonOf([genesis!.ok && genesis!.value, mined!.ok && mined!.value] as JsonValue)).toBe('ok');
  });

  test('rejects a changed transaction: the next block no longer links to it', () => {
    const bad = tampered((blocks) => {
      ((block(blocks, 3).transactions as JsonObject[])[0] as JsonObject).amount = 1000;
    });
    expect(reasonOf(bad)).toBe('block 4: previous_hash does not match the hash of block 3');
  });

  test('rejects a broken link', () => {
    const bad = tampered((blocks) => {
      block(blocks, 5).previous_hash = '0'.repeat(64);
    });
    expect(reasonOf(bad)).toBe('block 5: previous_hash does not match the hash of block 4');
  });

  test('rejects a bad proof', () => {
    const bad = tampered((blocks) => {
      block(blocks, 2).proof = 12345;
      // relink the next block, so only the proof is wrong
      block(blocks, 3).previous_hash = hashBlock(block(blocks, 2));
    });
    expect(reasonOf(bad)).toBe('block 2: proof 12345 is not valid after block 1');
  });

  test.each<[string, JsonValue | undefined, string]>([
    ['a missing chain', undefined, 'chain is not an array'],
    ['an object', { chain: [] }, 'chain is not an array'],
    ['a string', 'chain', 'chain is not an array'],
    ['an empty chain', [], 'chain is empty'],
    ['a block that is a number', [chain[0]!, 7], 'block 2 is not an object'],
    ['a block that is an array', [[], chain[1]!], 'block 1 is not an object'],
    ['a block without a proof', [chain[0]!, { index: 2, previous_hash: 'x' }], 'block 2 has no proof'],
    ['a block without previous_hash', [chain[0]!, { index: 2, proof: 35293 }], 'block 2 has no previous_hash'],
    [
      'a proof that is an object',
      [chain[0]!, { index: 2, proof: { p: 1 }, previous_hash: 'x' }],
      'block 2: proof must be an integer from 0 to 9007199254740991, not an object',
    ],
    [
      'a previous_hash of the wrong type',
      [chain[0]!, { index: 2, proof: 35293, previous_hash: 5 }],
      'block 2: previous_hash does not match the hash of block 1',
    ],
  ])('rejects %s with a reason', (_name, input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });

  test('never throws, whatever it is given', () => {
    const odd: (JsonValue | undefined)[] = [
      null,
      true,
      0,
      -1n,
      '',
      [null],
      [[[]]],
      [{}, {}],
      [{ proof: null, previous_hash: null }, { proof: null }],
    ];
    for (const input of odd) expect(() => validChain(input, RULES)).not.toThrow();
  });
});

describe('the chain rules', () => {
  test('have no default: a check that leaves them out does not type-check (npm run typecheck)', () => {
    const forgetful = [
      // @ts-expect-error -- the rules are one required value
      () => validChain(chain),
      // @ts-expect-error -- the rules are one required value
      () => validChainResponse({ chain: [...chain], length: chain.length }),
      // @ts-expect-error -- the linked rule reads the previous hash: it is never left to a default
      () => isValidProof(100, 35293, RULES),
    ];
    expect(forgetful).toHaveLength(3);
  });
});

describe('validChainResponse', () => {
  test('accepts {chain, length} with the true length', () => {
    expect(validChainResponse({ chain: [...chain], length: chain.length }, RULES).ok).toBe(true);
  });

  test.each<[string, JsonValue, string]>([
    ['not an object', [], 'response is not a JSON object'],
    ['no chain', { length: 1 }, 'response has no chain array'],
    ['a lying length', { chain: [...chain], length: 99 }, 'length 99 does not match a chain of 5 blocks'],
    [
      'an invalid chain',
      { chain: [{}, {}], length: 2 },
      'invalid chain: block 1 is not a genesis block: it has no index, timestamp, transactions, proof, previous_hash',
    ],
  ])('rejects %s', (_name, body, reason) => {
    expect(validChainResponse(body, RULES)).toEqual({ ok: false, reason });
  });
});

describe('validTransaction', () => {
  test('keeps exactly sender, recipient and amount', () => {
    expect(validTransaction({ sender: 'a', recipient: 'b', amount: 5, memo: 'x' })).toEqual({
      ok: true,
      value: { sender: 'a', recipient: 'b', amount: 5 },
    });
  });

  test.each<[JsonValue, string]>([
    [{ recipient: 'b', amount: 5 }, 'Missing values: sender'],
    [{}, 'Missing values: sender, recipient, amount'],
    [[], 'Missing values: the body must be a JSON object with sender, recipient and amount'],
    [{ sender: 1, recipient: 'b', amount: 5 }, 'sender must be a non-empty string'],
    [{ sender: 'a', recipient: '', amount: 5 }, 'recipient must be a non-empty string'],
    [{ sender: 'a', recipient: 'b', amount: '5' }, 'amount must be a finite number'],
    [{ sender: 'a', recipient: 'b', amount: NaN }, 'amount must be a finite number'],
  ])('rejects %j: %s', (body, reason) => {
    expect(validTransaction(body)).toEqual({ ok: false, reason });
  });

  test('refuses a sender of "0", whatever the caller requires: a pending reward would be mined into every block', () => {
    const reward = { sender: '0', recipient: 'mallory', amount: 1_000_000 };
    const reason = 'sender "0" is the mining reward\'s: rewards exist only inside blocks';
    expect(validTransaction(reward)).toEqual({ ok: false, reason });
    expect(validTransaction({ ...reward, id: 'fake-reward' }, { idRequired: true })).toEqual({ ok: false, reason });
  });

  test("requires an id when asked to (a peer's transactions always have one), and keeps it", () => {
    const payment = { sender: 'a', recipient: 'b', amount: 5 };
    expect(validTransaction(payment, { idRequired: true })).toEqual({
      ok: false,
      reason: 'id is required: every chainlab node gives the transactions it accepts one',
    });
    expect(validTransaction({ ...payment, id: 't-1' }, { idRequired: true })).toEqual({ ok: true, value: { ...payment, id: 't-1' } });
    expect(validTransaction(payment, { idRequired: false })).toEqual({ ok: true, value: payment });
  });
});
