/** What nodes say to each other: their tips, the blocks they announce, the transactions they pass on. */

import {
  array,
  CROSS_SITE,
  DEFAULT_ERROR,
  gossipBodyErrors,
  json,
  jsonBody,
  NOT_JSON,
  object,
  schema,
  STORE_FAILED,
  type PathItem,
} from './builders.ts';
import { MAX_KEY_CHARS } from '../../peers/broadcast-tree.ts';

/** The range of the broadcast tree a message makes its receiver responsible for (src/peers/broadcast-tree.ts). */
const LIMIT = {
  type: 'string',
  maxLength: MAX_KEY_CHARS,
  description:
    'The ring key (a node id, or an address) up to which, exclusive, going round the ring of nodes sorted by key, the receiver passes on what is news to it; ' +
    'its own key: the whole ring. Absent: the receiver passes nothing on (an older chainlab node, which tells every peer itself, sends none).',
} as const;

export const GOSSIP_PATHS: Record<string, PathItem> = {
  '/chain/tip': {
    get: {
      operationId: 'chainTip',
      summary: "This node's chain length and the hash of its last block: what a peer asks before catching up",
      tags: ['gossip'],
      responses: { '200': json('The tip', schema('Tip')), default: DEFAULT_ERROR },
    },
  },
  '/transactions/pending': {
    get: {
      operationId: 'pendingTransactions',
      summary: 'The pending pool: the transactions the next block mined here would hold',
      tags: ['gossip'],
      responses: {
        '200': json(
          'Oldest first',
          object({
            transactions: array(schema('Transaction')),
            length: { type: 'integer', minimum: 0, description: 'How many are pending' },
          }),
        ),
        default: DEFAULT_ERROR,
      },
    },
  },
  '/gossip/blocks': {
    post: {
      operationId: 'announceBlock',
      summary: "A peer announces its new tip: the last block of its chain, with the chain's length",
      description:
        "A block that extends this node's tip is checked and appended. One that does not, from a longer chain, makes the node sync with its peers " +
        'in the background; one from a chain no longer than ours is ignored. A block appended, or a chain adopted by that sync, is announced on ' +
        'over the range `limit` gives (a broadcast tree: see the README).',
      tags: ['gossip'],
      requestBody: jsonBody(
        object(
          {
            block: schema('Block'),
            length: { type: 'integer', minimum: 1, description: "The length of the announcing node's chain, whose last block `block` is" },
            limit: LIMIT,
          },
          ['block', 'length'],
        ),
      ),
      responses: {
        '200': json('Appended, already known, or a sync started', schema('BlockOutcome')),
        ...gossipBodyErrors(
          `A body that is not \`{"block": {...}, "length": N}\` with N a whole number from 1 (and \`limit\`, if any, a string of at most ${MAX_KEY_CHARS} characters), ` +
            `\`block rejected: <reason>\` for a block that extends the tip but is not valid there, or ${NOT_JSON}`,
        ),
        ...CROSS_SITE,
        ...STORE_FAILED,
      },
    },
  },
  '/gossip/transactions': {
    post: {
      operationId: 'passOnTransactions',
      summary: 'A peer passes on transactions it pooled, each with its id',
      description:
        'Pools those this node lacks, and passes those on over the range `limit` gives (a broadcast tree: see the README). ' +
        'One invalid transaction refuses them all: nothing is stored.',
      tags: ['gossip'],
      requestBody: jsonBody(object({ transactions: array(schema('Transaction'), 'Each with its id'), limit: LIMIT }, ['transactions'])),
      responses: {
        '200': json(
          'How many were pooled, were already held, or had an id held by another transaction (those are not stored)',
          object({
            added: { type: 'integer', minimum: 0, description: 'Pooled now' },
            known: { type: 'integer', minimum: 0, description: 'Held already, pending or in a block' },
            conflicting: {
              type: 'integer',
              minimum: 0,
              description:
                'Under an id another transaction holds, or (TX_RULE=signed) not fitting the accounts, a nonce or a balance another transaction took: not stored',
            },
          }),
        ),
        ...gossipBodyErrors(
          `A body that is not \`{"transactions": [...]}\` (with \`limit\`, if any, a string of at most ${MAX_KEY_CHARS} characters), \`transactions[i]: <reason>\` for one that POST /transactions/new would refuse ` +
            `or that has no \`id\`, or ${NOT_JSON}`,
        ),
        ...CROSS_SITE,
        '413': json(
          'A body larger than MAX_BLOCK_BYTES and 64 KiB, or a transaction too large for any block (MAX_BLOCK_BYTES): none was stored',
          schema('Error'),
        ),
        '429': json('The pending pool cannot take them all (MAX_PENDING, MAX_PENDING_BYTES): none was stored', schema('Error')),
        ...STORE_FAILED,
      },
    },
  },
};
