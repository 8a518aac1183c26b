/**
 * The chain's side of the lab (issue 13): GET /chain/verify, always served, and with LAB=on mining
 * modes, tampering, snapshots, reset and the blocks dropped in reorgs (with LAB=off those are 404s).
 */

import { MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS } from '../../node/mining-schedule.ts';
import {
  array,
  bodyErrors,
  CROSS_SITE,
  DEFAULT_ERROR,
  json,
  jsonBody,
  nullable,
  object,
  schema,
  STORE_FAILED,
  type Operation,
  type PathItem,
  type Schema,
} from './builders.ts';

const VERDICT = {
  valid: {
    type: 'boolean',
    description: "Whether the chain passes every rule this node's peers check (validChain under DIFFICULTY and POW_RULE)",
  },
  reasons: array(
    { type: 'string' },
    "The validator's own reason, naming the first broken block and why (`block 3: proof 35293 is not valid after block 2`); [] when valid",
  ),
} as const;

const MINING_MODE: Schema = object(
  {
    mode: { enum: ['manual', 'interval', 'on-transaction'] },
    seconds: { type: 'integer', minimum: MIN_INTERVAL_SECONDS, maximum: MAX_INTERVAL_SECONDS, description: 'For interval only' },
  },
  ['mode'],
);

const SNAPSHOT = object(
  {
    chain: schema('Blocks'),
    length: { type: 'integer', minimum: 1 },
    pending: array(schema('Transaction'), 'The pending pool, oldest first'),
  },
  ['chain', 'pending'],
);

const RESTORED = {
  message: { type: 'string' },
  length: { type: 'integer', minimum: 1 },
  pending_count: { type: 'integer', minimum: 0 },
} as const;

/** A lab route that changes the node: its 400 says `what` was wrong. */
const change = (operation: Omit<Operation, 'tags'>, what: string): Operation => ({
  ...operation,
  tags: ['lab'],
  responses: { ...operation.responses, ...bodyErrors(what), ...CROSS_SITE, ...STORE_FAILED, default: DEFAULT_ERROR },
});

const DROPPED_BLOCK = object({
  position: { type: 'integer', minimum: 1, description: 'Where it was in the chain it left' },
  hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  block: schema('Block'),
  dropped_at: { type: 'number', description: 'When, in seconds since the epoch' },
  replaced_by: { type: 'string', description: 'The peer whose chain replaced it' },
  returned: array(schema('Transaction'), 'Its transactions that went back to the pool: those the new chain did not hold'),
});

export const LAB_CHAIN_PATHS: Record<string, PathItem> = {
  '/chain/verify': {
    get: {
      operationId: 'verifyChain',
      summary: "Whether this node's own chain is valid, and if not, the first broken block and why",
      description: 'Served whether or not LAB is on: it only reads. Worked out once per version of the chain.',
      tags: ['lab'],
      responses: { '200': json('The verdict', object(VERDICT)), default: DEFAULT_ERROR },
    },
  },
  '/lab/mining': {
    post: change(
      {
        operationId: 'labMining',
        summary: 'Switch the mining mode: manual, a block every N seconds, or a block soon after each transaction',
        description:
          'Cancels the proof search under way, whatever started it: a GET /mine waiting on it gets a 409. MINING sets the mode at start.',
        requestBody: jsonBody(MINING_MODE),
        responses: { '200': json('The mode now', object({ message: { type: 'string' }, mining: MINING_MODE })) },
      },
      'a mode that is none of the three, or seconds out of 1 to 3600, or seconds for another mode than interval',
    ),
  },
  '/lab/tamper': {
    post: change(
      {
        operationId: 'labTamper',
        summary: "Rewrite one transaction's amount in a block of this node's chain, in place and without mining",
        description:
          "With `rehash`, every later block's previous_hash is rewritten too (the tutorial's attack): the chain then verifies " +
          'under POW_RULE=notebook and not under linked. Peers refuse the chain either way once it is wrong, however long it grows. ' +
          'Stored like every change (DATA_DIR).',
        requestBody: jsonBody(
          object(
            {
              index: { type: 'integer', minimum: 1 },
              transaction: { type: 'integer', minimum: 0, description: "The transaction's position in the block" },
              amount: { type: 'number' },
              rehash: { type: 'boolean', default: false },
            },
            ['index', 'transaction', 'amount'],
          ),
        ),
        responses: {
          '200': json(
            'Rewritten, with the verdict on the chain now',
            object({
              message: { type: 'string' },
              index: { type: 'integer', minimum: 1 },
              hash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: "The rewritten block's hash" },
              relinked: { type: 'integer', minimum: 0, description: 'Later blocks whose previous_hash was rewritten' },
              ...VERDICT,
            }),
          ),
        },
      },
      'an index past the tip, a transaction the block does not have, a field missing, of the wrong type or unknown',
    ),
  },
  '/lab/snapshot': {
    get: {
      operationId: 'labSnapshot',
      summary: "This node's chain and pending pool, as POST /lab/restore takes them back",
      tags: ['lab'],
      responses: { '200': json('The snapshot', SNAPSHOT), default: DEFAULT_ERROR },
    },
  },
  '/lab/restore': {
    post: change(
      {
        operationId: 'labRestore',
        summary: "Replace this node's chain (even by a shorter one) and pool by a snapshot's",
        description:
          "The body is bounded by MAX_PEER_RESPONSE_BYTES, as a peer's whole chain is (MAX_BODY_BYTES, some 3,700 blocks, would be too few): " +
          'past it, 413. Announced to the peers like an adopted chain, so the network converges on it if it is the longest. ' +
          'Stored like every change (DATA_DIR).',
        requestBody: jsonBody(SNAPSHOT),
        responses: {
          '200': json('Restored', object(RESTORED)),
          '429': json('Another restore is being read or applied on this node: one at a time, and this body was not read', schema('Error')),
        },
      },
      "a chain that is not valid under this node's rules (the validator's reason), a length that is not the chain's, a pending entry that is not a transaction or is there twice, a pool past MAX_PENDING or MAX_PENDING_BYTES",
    ),
  },
  '/lab/reset': {
    post: change(
      {
        operationId: 'labReset',
        summary: 'Back to the genesis block with an empty pool: every node (the default), or this one only',
        description:
          "Network-wide, the command is relayed to every peer first (see POST /lab/partition), then carried out here; `length` and `pending_count` are this node's after it. " +
          'The body is optional.',
        requestBody: {
          required: false,
          content: { 'application/json': { schema: object({ scope: { enum: ['node', 'network'], default: 'network' } }, []) } },
        },
        responses: {
          '200': json(
            'Reset',
            object(
              {
                ...RESTORED,
                scope: { enum: ['node', 'network'] },
                relayed: array(
                  object({
                    node: { type: 'string' },
                    ok: { type: 'boolean' },
                    reason: nullable('string', 'Why it did not reach the peer'),
                  }),
                ),
              },
              ['message', 'length', 'pending_count', 'scope'],
            ),
          ),
        },
      },
      'a scope other than node or network, or a network-wide reset on a node that cannot relay one',
    ),
  },
  '/lab/dropped': {
    get: {
      operationId: 'labDropped',
      summary: 'The blocks this node dropped in reorgs, for the block tree: when, for whose chain, and what went back to the pool',
      description:
        'The newest 256 blocks and 4 MiB at most, oldest first, kept in memory: a restart, a restore or a reset starts it afresh. ' +
        'Tampering replaces blocks without a reorg and is not listed.',
      tags: ['lab'],
      responses: {
        '200': json(
          'The dropped blocks',
          object({ blocks: array(DROPPED_BLOCK), max_blocks: { type: 'integer' }, max_bytes: { type: 'integer' } }),
        ),
        default: DEFAULT_ERROR,
      },
    },
  },
};
