/** TX_RULE=signed's accounts: what a wallet reads before it signs. */

import { DEFAULT_ERROR, json, object, schema, type PathItem } from './builders.ts';

const ADDRESS = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'A raw Ed25519 public key, 64 lowercase hex digits' } as const;

export const ACCOUNTS_PATHS: Record<string, PathItem> = {
  '/accounts/{address}': {
    get: {
      operationId: 'account',
      summary: "An address's balance and the nonce to sign with next (TX_RULE=signed only)",
      description:
        'Under TX_RULE=signed, `POST /transactions/new` takes `{sender, recipient, amount, nonce, signature}`: `sender` and `recipient` are ' +
        'addresses; `amount` a finite number > 0, at most `available`; `nonce` is `next_nonce`; `signature` is 128 hex digits, the Ed25519 ' +
        "signature by the sender's key of the UTF-8 bytes of the canonical JSON of `{amount, nonce, recipient, sender}` (Python's " +
        '`json.dumps(sort_keys=True)`: `{"amount": 5, "nonce": 1, "recipient": "81...", "sender": "8a..."}`). The README works one through. ' +
        'A transaction breaking a rule (signature, nonce, balance) gets a 400 with the reason; an identical replay gets 200 "already known".',
      tags: ['operations'],
      parameters: [{ name: 'address', in: 'path', required: true, schema: ADDRESS }],
      responses: {
        '200': json(
          'The account; one the chain never touched has 0 and next_nonce 1',
          object({
            address: ADDRESS,
            balance: { type: 'number', description: 'Confirmed: what the chain credits the address with' },
            available: { type: 'number', description: 'The balance less the pending outgoing transactions: what it can still send' },
            next_nonce: { type: 'integer', minimum: 1, description: 'The nonce its next transaction must carry' },
          }),
        ),
        '400': json('The address is not 64 lowercase hex digits', schema('Error')),
        '404': json('The node runs TX_RULE=open, which keeps no accounts', schema('Error')),
        default: DEFAULT_ERROR,
      },
    },
  },
};
