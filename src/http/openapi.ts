/**
 * The OpenAPI 3.1 description of every route the node serves, served at GET /openapi.json.
 * test/node/openapi.test.ts checks it against the app's router both ways: a route added without
 * a description here, or a description left behind by a removed route, fails the tests.
 */

import { TRANSACTION_ID } from '../chain/validate.ts';

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) this document needs. */
export interface Schema {
  $ref?: string;
  type?: JsonType | JsonType[];
  description?: string;
  const?: string | number | boolean;
  enum?: (string | number)[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

export interface MediaType {
  schema: Schema;
  example?: unknown;
}

export interface Reference {
  $ref: string;
}

export interface Header {
  description: string;
  schema: Schema;
}

export interface Response {
  description: string;
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'query' | 'header' | 'path';
  description: string;
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, Response | Reference>;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type PathItem = Partial<Record<Method, Operation>>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, Response>;
    headers: Record<string, Header>;
  };
}

const ref = (kind: 'schemas' | 'responses' | 'headers', name: string): Reference => ({ $ref: `#/components/${kind}/${name}` });
const schema = (name: string): Schema => ref('schemas', name);

/** Every response carries these two headers. */
const COMMON_HEADERS = { 'X-Request-Id': ref('headers', 'RequestId'), 'X-Chainlab-Node-Id': ref('headers', 'NodeId') };

const json = (description: string, body: Schema): Response => ({ description, headers: COMMON_HEADERS, content: { 'application/json': { schema: body } } });
const text = (description: string, type: string): Response => ({ description, headers: COMMON_HEADERS, content: { [type]: { schema: { type: 'string' } } } });
const jsonBody = (body: Schema) => ({ required: true, content: { 'application/json': { schema: body } } });

/** Any error: `{error}` with the status; 404 and 405 for a path or method that has no route, 500 for a bug. */
const DEFAULT_ERROR = ref('responses', 'Error');

/** What a request with a JSON body can get wrong, besides its content. */
const BODY_ERRORS = {
  '400': ref('responses', 'BadRequest'),
  '413': ref('responses', 'PayloadTooLarge'),
  '415': ref('responses', 'UnsupportedMediaType'),
  default: DEFAULT_ERROR,
};

/** What a peer's request with a JSON body can get wrong: gossip routes take up to four times MAX_BODY_BYTES. */
const GOSSIP_BODY_ERRORS = {
  ...BODY_ERRORS,
  '413': json('A body larger than four times MAX_BODY_BYTES', schema('Error')),
};

const nullable = (type: JsonType, description?: string): Schema => ({ type: [type, 'null'], ...(description === undefined ? {} : { description }) });

const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });

const mine: Operation = {
  operationId: 'mine',
  summary: 'Mine one block from the pending transactions plus the mining reward',
  description: 'Calls are served one after another, so no two blocks share an index.',
  tags: ['notebook'],
  responses: {
    '200': json('The block forged', schema('MinedBlock')),
    '503': json('The node is shutting down; mining was stopped', schema('Error')),
    default: DEFAULT_ERROR,
  },
};

export const OPENAPI: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'chainlab node',
    version: '0.1.0',
    description:
      "A node of the 'Learn Blockchains by Building One' network: the reference's endpoints, plus what nodes say to each other (gossip), " +
      "operators' endpoints and an explorer. " +
      'Errors are `{"error": "what is wrong"}` with the status: 400 bad input, 404 an unknown path, 405 a method the path does not take, ' +
      '409 a transaction id taken by another transaction, 413 a body larger than MAX_BODY_BYTES, 415 a body in an unknown encoding, 500 a bug. ' +
      'Every response carries X-Request-Id and X-Chainlab-Node-Id.',
  },
  tags: [
    { name: 'notebook', description: "The reference node's endpoints, with its statuses and JSON shapes" },
    {
      name: 'gossip',
      description:
        'What nodes say to each other: their tips, the blocks they announce and the transactions they pass on. ' +
        'Served whether or not GOSSIP is on, so that any chainlab node can announce to this one and catch up from it.',
    },
    { name: 'operations', description: 'For operators: health, peers, metrics, this document' },
    { name: 'explorer', description: 'A live page of this node and its network, for a browser' },
  ],
  paths: {
    '/mine': { get: mine, post: { ...mine, operationId: 'minePost', summary: `${mine.summary} (as GET)` } },
    '/transactions/new': {
      post: {
        operationId: 'newTransaction',
        summary: 'Pool a transaction for the next block',
        description:
          'With an `id`, a retry is safe: a copy of a transaction the node holds, pending or in a block, is not pooled again. ' +
          'Without one the node gives it an id. With GOSSIP on, the node passes it on to its peers.',
        tags: ['notebook'],
        requestBody: jsonBody(schema('Transaction')),
        responses: {
          '201': json('Pooled, under the id it came with or was given', object({ message: { type: 'string', pattern: '^Transaction will be added to Block \\d+$' }, id: schema('TransactionId') })),
          '200': json(
            'A copy of a transaction this node holds, pending or in a block: nothing was stored',
            object({ message: { type: 'string', pattern: `^Transaction ${TRANSACTION_ID.source.slice(1, -1)} is already known$` }, id: schema('TransactionId') }),
          ),
          '409': json('Another transaction holds this id, pending or in a block: nothing was stored', schema('Error')),
          ...BODY_ERRORS,
        },
      },
    },
    '/chain': {
      get: {
        operationId: 'chain',
        summary: "This node's whole chain, or its blocks from a position on",
        tags: ['notebook'],
        parameters: [
          {
            name: 'from',
            in: 'query',
            description: 'Only the blocks from this position (1 is the genesis block) on, as a peer catching up asks for them; `length` stays the full length',
            required: false,
            schema: { type: 'integer', minimum: 1 },
          },
        ],
        responses: { '200': json('The chain', schema('Chain')), '400': ref('responses', 'BadRequest'), default: DEFAULT_ERROR },
      },
    },
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
          '200': json('Oldest first', object({ transactions: { type: 'array', items: schema('Transaction') }, length: { type: 'integer', minimum: 0 } })),
          default: DEFAULT_ERROR,
        },
      },
    },
    '/gossip/blocks': {
      post: {
        operationId: 'announceBlock',
        summary: "A peer announces the last block of its chain, with the chain's length",
        description:
          'A block that extends this node\'s tip is checked and appended. One that does not, from a longer chain, makes the node sync with its peers ' +
          'in the background; one from a chain no longer than ours is ignored.',
        tags: ['gossip'],
        requestBody: jsonBody(
          object({
            block: schema('Block'),
            length: { type: 'integer', minimum: 1, description: "The length of the announcing node's chain, whose last block `block` is" },
          }),
        ),
        responses: {
          '200': json('Appended, already known, or a sync started', schema('BlockOutcome')),
          ...GOSSIP_BODY_ERRORS,
          '400': json('A body that is not `{block, length}`, or `block rejected: <reason>`: it extends the tip but is not valid there', schema('Error')),
        },
      },
    },
    '/gossip/transactions': {
      post: {
        operationId: 'passOnTransactions',
        summary: 'A peer passes on transactions it pooled, each with its id',
        description: 'Pools those this node lacks. One invalid transaction refuses them all: nothing is stored.',
        tags: ['gossip'],
        requestBody: jsonBody(object({ transactions: { type: 'array', items: schema('Transaction') } })),
        responses: {
          '200': json(
            'How many were pooled, were already held, or had an id held by another transaction (those are not stored)',
            object({ added: { type: 'integer', minimum: 0 }, known: { type: 'integer', minimum: 0 }, conflicting: { type: 'integer', minimum: 0 } }),
          ),
          ...GOSSIP_BODY_ERRORS,
        },
      },
    },
    '/nodes/register': {
      post: {
        operationId: 'registerNodes',
        summary: 'Register peers, as http://host:port or host:port; one bad address refuses them all',
        tags: ['notebook'],
        requestBody: jsonBody(object({ nodes: { type: 'array', items: { type: 'string', description: 'http://node2:5000 or node2:5000' } } })),
        responses: {
          '201': json(
            'Registered',
            object(
              {
                message: { const: 'New nodes have been added' },
                total_nodes: { type: 'array', items: { type: 'string' }, description: 'Every registered peer, as host:port, in registration order' },
                ignored: { type: 'array', items: schema('PeerReason'), description: 'Present when an address names this node itself' },
              },
              ['message', 'total_nodes'],
            ),
          ),
          ...BODY_ERRORS,
        },
      },
    },
    '/nodes/resolve': {
      get: {
        operationId: 'resolve',
        summary: 'Consensus: adopt the longest valid chain among the peers, if longer than ours',
        tags: ['notebook'],
        responses: {
          '200': json('Replaced or kept; `skipped` lists the peers that could not be asked, and why', {
            oneOf: [
              object({ message: { const: 'Our chain was replaced' }, new_chain: schema('Blocks'), skipped: schema('Skipped') }),
              object({ message: { const: 'Our chain is authoritative' }, chain: schema('Blocks'), skipped: schema('Skipped') }),
            ],
          }),
          default: DEFAULT_ERROR,
        },
      },
    },
    '/nodes': {
      get: {
        operationId: 'peers',
        summary: 'What this node last learned of each peer',
        tags: ['operations'],
        responses: { '200': json('The peers, in registration order', object({ nodes: { type: 'array', items: schema('PeerStatus') } })), default: DEFAULT_ERROR },
      },
    },
    '/health': {
      get: {
        operationId: 'health',
        summary: 'The healthcheck: length, tip, genesis, peers, and how the node takes part in the network',
        tags: ['operations'],
        responses: {
          '200': json('The node is up', schema('Health')),
          '503': json('The node is up but its store failed (DATA_DIR): what it acknowledges now would not survive a restart', schema('Health')),
          default: DEFAULT_ERROR,
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics: chain, mining, peers, HTTP latency, and the process',
        tags: ['operations'],
        responses: { '200': text('The Prometheus text format', 'text/plain; version=0.0.4; charset=utf-8'), default: DEFAULT_ERROR },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        tags: ['operations'],
        responses: { '200': json('OpenAPI 3.1', { type: 'object' }), default: DEFAULT_ERROR },
      },
    },
    '/': {
      get: {
        operationId: 'explorerPage',
        summary: 'The explorer: this node live, and its network side by side',
        tags: ['explorer'],
        responses: { '200': text('The page', 'text/html; charset=utf-8'), default: DEFAULT_ERROR },
      },
    },
    '/explorer/explorer.js': {
      get: {
        operationId: 'explorerScript',
        summary: "The explorer page's script",
        tags: ['explorer'],
        responses: { '200': text('The script', 'text/javascript; charset=utf-8'), default: DEFAULT_ERROR },
      },
    },
    '/explorer/explorer.css': {
      get: {
        operationId: 'explorerStyle',
        summary: "The explorer page's style sheet",
        tags: ['explorer'],
        responses: { '200': text('The style sheet', 'text/css; charset=utf-8'), default: DEFAULT_ERROR },
      },
    },
    '/events': {
      get: {
        operationId: 'events',
        summary: 'Server-sent events: a snapshot, then one event per change of the node',
        description:
          'Events: `snapshot` {node_id, mode, length, blocks, pending, peers} (`mode` as in /health); `mined` {block, length, mining_ms, pending}; ' +
          '`appended` {block, length, pending}, a block a peer announced that extended this chain; ' +
          '`replaced` {peer, from, length, blocks, dropped, dropped_count, returned_count, pending}, this node adopted the chain of `peer` ' +
          'from position `from` on, dropping `dropped_count` blocks (`dropped` lists the newest 100 as {index, hash}) ' +
          'whose `returned_count` transactions are pending again; `transaction` {transaction, pending_count}; `peers` {peers}; ' +
          '`peerFailure` {node, reason}. `blocks` holds the newest 100 blocks. Each `data` is one line of JSON; a block comes as {hash, block}.',
        tags: ['explorer'],
        responses: { '200': text('A stream that stays open until the client leaves', 'text/event-stream'), default: DEFAULT_ERROR },
      },
    },
    '/network': {
      get: {
        operationId: 'network',
        summary: 'This node and each peer with its chain (index and hash of each block), side by side',
        tags: ['explorer'],
        parameters: [
          {
            name: 'last',
            in: 'query',
            description: 'Only the last `last` blocks of each chain',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 9_999_999 },
          },
        ],
        responses: {
          '200': json('This node first, then its peers in registration order', object({ nodes: { type: 'array', items: schema('NetworkMember') } })),
          '400': ref('responses', 'BadRequest'),
          default: DEFAULT_ERROR,
        },
      },
    },
  },
  components: {
    schemas: {
      Error: object({ error: { type: 'string', description: 'What is wrong, and how to fix it' } }),
      Transaction: object(
        {
          sender: { type: 'string', minLength: 1 },
          recipient: { type: 'string', minLength: 1 },
          amount: { type: 'number', description: 'Kept exactly as sent: 5.0 stays a float, big integers stay exact' },
          id: schema('TransactionId'),
        },
        ['sender', 'recipient', 'amount'],
      ),
      TransactionId: {
        type: 'string',
        pattern: TRANSACTION_ID.source,
        description:
          'Chosen by the client, or given by the node that first accepted the transaction, so that copies arriving by other paths (a retry, gossip, a reorg) ' +
          'are recognised. Mining rewards, and transactions from reference nodes, have none.',
      },
      Block: {
        ...object({
          index: { type: 'integer' },
          timestamp: { type: 'number', description: 'Seconds since the epoch, as a float' },
          transactions: { type: 'array', items: schema('Transaction') },
          proof: { type: 'integer' },
          previous_hash: { type: ['string', 'integer'], description: "The previous block's hash; 1 in the genesis block" },
        }),
        description: "A block as the reference serves it; a block adopted from a peer keeps any other field it came with, since it is part of the block's hash",
      },
      Blocks: { type: 'array', items: schema('Block') },
      Chain: object(
        {
          chain: schema('Blocks'),
          length: { type: 'integer', minimum: 1, description: "The chain's full length, even when `chain` holds only its blocks from `from` on" },
          from: { type: 'integer', minimum: 1, description: 'Present when asked with ?from=N: `chain` holds the blocks from position N on, none when N is past the tip' },
        },
        ['chain', 'length'],
      ),
      Tip: object({
        length: { type: 'integer', minimum: 1 },
        hash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The hash of the last block' },
      }),
      BlockOutcome: object({
        status: {
          enum: ['appended', 'known', 'syncing'],
          description: '`appended`: it extended this chain; `known`: this chain is as long already; `syncing`: it did not extend this chain, so the node syncs with its peers',
        },
        length: { type: 'integer', minimum: 1, description: "This node's chain length, after the block" },
      }),
      MinedBlock: object({
        message: { const: 'New Block Forged' },
        index: { type: 'integer' },
        transactions: { type: 'array', items: schema('Transaction'), description: 'The pooled transactions, then the reward (from "0", amount 1, no id)' },
        proof: { type: 'integer' },
        previous_hash: { type: 'string' },
      }),
      PeerReason: object({ node: { type: 'string' }, reason: { type: 'string' } }),
      Skipped: { type: 'array', items: schema('PeerReason'), description: 'Peers that were down, slow, or served something else' },
      PeerStatus: object({
        node: { type: 'string', description: 'host:port' },
        node_id: nullable('string', 'The id it answered with; null until it answered, and for a reference node'),
        reachable: nullable('boolean', 'null until first asked'),
        last_seen: nullable('number', 'When it last answered, in seconds since the epoch'),
        down_since: nullable('number', 'When it stopped answering, in seconds since the epoch; null while it answers'),
        length: nullable('integer', 'The length of the chain it last served'),
        last_error: nullable('string', 'Why its last answer was not used'),
      }),
      Mode: object({
        gossip: { type: 'boolean', description: 'Whether the node spreads blocks and transactions and syncs on its own (GOSSIP)' },
        sync_interval_ms: { type: 'integer', minimum: 0, description: 'How often it syncs with its peers on its own; 0: only when told (GET /nodes/resolve)' },
        pow_rule: { enum: ['notebook', 'linked'], description: 'What a proof covers (POW_RULE)' },
        difficulty: { type: 'integer', minimum: 1, description: 'Leading hex zeros a proof needs (DIFFICULTY)' },
      }),
      Health: object({
        status: { enum: ['ok', 'failing'] },
        error: { type: 'string', description: 'Why the node is failing; only when it is' },
        node_id: { type: 'string' },
        length: { type: 'integer', minimum: 1 },
        tip_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        genesis_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        peers: { type: 'array', items: { type: 'string' } },
        peers_reachable: { type: 'array', items: { type: 'string' } },
        mode: schema('Mode'),
      }, ['status', 'node_id', 'length', 'tip_hash', 'genesis_hash', 'peers', 'peers_reachable', 'mode']),
      NetworkMember: object({
        node: { type: 'string', description: "host:port for a peer; this node's id for itself" },
        self: { type: 'boolean' },
        node_id: nullable('string', 'The id the page names it by; null for a peer not heard from yet, and for a reference node'),
        address: nullable('string', 'host:port: a peer as registered; this node as it advertises itself, when known'),
        reachable: nullable('boolean', 'As GET /nodes has it: null for a peer never asked'),
        length: nullable('integer', "The chain's full length; `chain` may hold only its last blocks"),
        chain: { type: 'array', items: object({ index: { type: 'integer' }, hash: { type: 'string' } }) },
        error: nullable('string', 'Why the chain is not shown: the last error GET /nodes has for the peer'),
      }),
    },
    responses: {
      Error: { description: 'An error: 404 for an unknown path, 405 for a method the path does not take, 500 for a bug', content: { 'application/json': { schema: schema('Error') } } },
      BadRequest: { description: 'Bad input; nothing was changed', content: { 'application/json': { schema: schema('Error') } } },
      PayloadTooLarge: { description: 'A body larger than MAX_BODY_BYTES', content: { 'application/json': { schema: schema('Error') } } },
      UnsupportedMediaType: { description: 'A body in an unknown Content-Encoding', content: { 'application/json': { schema: schema('Error') } } },
    },
    headers: {
      RequestId: { description: "The request's id: the caller's X-Request-Id when it is 1-128 of A-Z a-z 0-9 . _ : -, else a new UUID", schema: { type: 'string' } },
      NodeId: { description: "This node's id, so a node can recognise itself among its peers", schema: { type: 'string' } },
    },
  },
};
