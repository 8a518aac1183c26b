/** The reference node's endpoints, with its statuses and JSON shapes. */

import { TRANSACTION_ID } from '../../chain/validate.ts';
import {
  array,
  badRequest,
  bodyErrors,
  CROSS_SITE,
  DEFAULT_ERROR,
  json,
  jsonBody,
  NOT_JSON,
  object,
  schema,
  STORE_FAILED,
  type Operation,
  type PathItem,
} from './builders.ts';

const mine: Operation = {
  operationId: 'mine',
  summary: 'Mine one block: the pending transactions, then the mining reward',
  description: 'Calls are served one after another, so no two blocks share an index.',
  tags: ['notebook'],
  responses: {
    '200': json('The block forged', schema('MinedBlock')),
    ...CROSS_SITE,
    '503': json(
      'The node is shutting down, so mining was stopped, or its store (DATA_DIR) has failed: the block would not survive a restart, so it was not added',
      schema('Error'),
    ),
    default: DEFAULT_ERROR,
  },
};

const newTransaction: Operation = {
  operationId: 'newTransaction',
  summary: 'Pool a transaction for the next block',
  description:
    'With an `id`, a retry is safe: a copy of a transaction the node holds, pending or in a block, is not pooled again. ' +
    'Without one the node gives it an id. With GOSSIP on, the node passes it on to its peers.',
  tags: ['notebook'],
  requestBody: jsonBody({
    anyOf: [schema('Transaction'), schema('SignedTransaction')],
    description: 'A Transaction under TX_RULE=open (the default); a SignedTransaction under TX_RULE=signed (see GET /accounts/{address})',
  }),
  responses: {
    '201': json(
      'Pooled, under the id it came with or was given',
      object({
        message: {
          type: 'string',
          pattern: '^Transaction will be added to Block \\d+$',
          description: 'The index of the block it is pooled for',
        },
        id: schema('TransactionId'),
      }),
    ),
    '200': json(
      'A copy of a transaction this node holds, pending or in a block: nothing was stored',
      object({
        message: { type: 'string', pattern: `^Transaction ${TRANSACTION_ID.source.slice(1, -1)} is already known$` },
        id: schema('TransactionId'),
      }),
    ),
    '409': json('Another transaction holds this id, pending or in a block: nothing was stored', schema('Error')),
    ...bodyErrors(
      `A missing field (\`Missing values: amount\`), a field of the wrong type (\`sender\` and \`recipient\` must be non-empty strings, ` +
        `\`amount\` a finite number, \`id\` 1 to 64 letters, digits, - or _), the sender \`"0"\` (rewards exist only inside blocks), or ${NOT_JSON}; ` +
        "under TX_RULE=signed also a bad signature, a used nonce or a gap, or an amount the sender's available balance does not cover",
    ),
    ...CROSS_SITE,
    '413': json(
      'A body larger than MAX_BODY_BYTES, or a transaction too large for any block (MAX_BLOCK_BYTES): nothing was stored',
      schema('Error'),
    ),
    '429': json(
      'The pending pool is full (MAX_PENDING transactions or MAX_PENDING_BYTES): nothing was stored; retry once a block is mined',
      schema('Error'),
    ),
    ...STORE_FAILED,
  },
};

const chain: Operation = {
  operationId: 'chain',
  summary: "This node's whole chain, or its blocks from a position on",
  tags: ['notebook'],
  parameters: [
    {
      name: 'from',
      in: 'query',
      description:
        'Only the blocks from this position (1 is the genesis block) on, as a peer catching up asks for them; `length` stays the full length',
      required: false,
      schema: { type: 'integer', minimum: 1 },
    },
  ],
  responses: {
    '200': json('The chain', schema('Chain')),
    '400': badRequest('A `from` that is not a whole number from 1'),
    default: DEFAULT_ERROR,
  },
};

const registerNodes: Operation = {
  operationId: 'registerNodes',
  summary: 'Register peers, as http://host:port or host:port; one bad address refuses them all',
  tags: ['notebook'],
  requestBody: jsonBody({
    ...object({ nodes: array({ type: 'string' }, 'Peer addresses, as http://node2:5000 or node2:5000') }),
    examples: [{ nodes: ['http://node2:5000', 'node3:5000'] }],
  }),
  responses: {
    '201': json(
      'Registered',
      object(
        {
          message: { const: 'New nodes have been added' },
          total_nodes: array({ type: 'string' }, 'Every registered peer, as host:port, in registration order'),
          ignored: array(schema('PeerReason'), 'Present when an address names this node itself'),
        },
        ['message', 'total_nodes'],
      ),
    ),
    ...bodyErrors(
      `A body that is not \`{"nodes": [...]}\`, a peer address that is neither \`http://host:port\` nor \`host:port\` (the whole request is refused), or ${NOT_JSON}`,
    ),
    ...CROSS_SITE,
    '429': json('The node keeps MAX_PEERS peers, and none of them could make room: no peer was registered', schema('Error')),
  },
};

const resolve: Operation = {
  operationId: 'resolve',
  summary: 'Consensus: adopt the longest valid chain among the peers, if longer than ours',
  tags: ['notebook'],
  responses: {
    '200': json('Replaced or kept; `skipped` names the peers that could not be used, and why', {
      oneOf: [
        object({ message: { const: 'Our chain was replaced' }, new_chain: schema('Blocks'), skipped: schema('Skipped') }),
        object({ message: { const: 'Our chain is authoritative' }, chain: schema('Blocks'), skipped: schema('Skipped') }),
      ],
    }),
    ...CROSS_SITE,
    default: DEFAULT_ERROR,
  },
};

export const NOTEBOOK_PATHS: Record<string, PathItem> = {
  '/mine': { get: mine, post: { ...mine, operationId: 'minePost', summary: `${mine.summary} (as GET)` } },
  '/transactions/new': { post: newTransaction },
  '/chain': { get: chain },
  '/nodes/register': { post: registerNodes },
  '/nodes/resolve': { get: resolve, post: { ...resolve, operationId: 'resolvePost', summary: `${resolve.summary} (as GET)` } },
};
