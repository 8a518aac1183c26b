/**
 * The OpenAPI 3.1 description of every route the node serves, served at GET /openapi.json.
 * test/node/openapi.test.ts checks it against the app's router both ways: a route added without
 * a description here, or a description left behind by a removed route, fails the tests.
 */

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
      "A node of the 'Learn Blockchains by Building One' network: the reference's endpoints, plus operators' endpoints and an explorer. " +
      'Errors are `{"error": "what is wrong"}` with the status: 400 bad input, 404 an unknown path, 405 a method the path does not take, ' +
      '413 a body larger than MAX_BODY_BYTES, 415 a body in an unknown encoding, 500 a bug. Every response carries X-Request-Id and X-Chainlab-Node-Id.',
  },
  tags: [
    { name: 'notebook', description: "The reference node's endpoints, with its statuses and JSON shapes" },
    { name: 'operations', description: 'For operators: health, peers, metrics, this document' },
    { name: 'explorer', description: 'A live page of this node and its network, for a browser' },
  ],
  paths: {
    '/mine': { get: mine, post: { ...mine, operationId: 'minePost', summary: `${mine.summary} (as GET)` } },
    '/transactions/new': {
      post: {
        operationId: 'newTransaction',
        summary: 'Pool a transaction for the next block',
        tags: ['notebook'],
        requestBody: jsonBody(schema('Transaction')),
        responses: {
          '201': json('Pooled', object({ message: { type: 'string', pattern: '^Transaction will be added to Block \\d+$' } })),
          ...BODY_ERRORS,
        },
      },
    },
    '/chain': {
      get: {
        operationId: 'chain',
        summary: "This node's whole chain",
        tags: ['notebook'],
        responses: { '200': json('The chain', schema('Chain')), default: DEFAULT_ERROR },
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
        summary: 'The healthcheck: length, tip, genesis and peers',
        tags: ['operations'],
        responses: { '200': json('The node is up', schema('Health')), default: DEFAULT_ERROR },
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
          'Events: `snapshot` {node_id, length, blocks, pending, peers}; `mined` {block, length, mining_ms, pending}; ' +
          '`replaced` {peer, length, blocks, pending}; `transaction` {transaction, pending_count}; `peers` {peers}; ' +
          '`peerFailure` {node, reason}. Each `data` is one line of JSON; a block comes as {hash, block}.',
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
      Transaction: object({
        sender: { type: 'string', minLength: 1 },
        recipient: { type: 'string', minLength: 1 },
        amount: { type: 'number', description: 'Kept exactly as sent: 5.0 stays a float, big integers stay exact' },
      }),
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
      Chain: object({ chain: schema('Blocks'), length: { type: 'integer', minimum: 1 } }),
      MinedBlock: object({
        message: { const: 'New Block Forged' },
        index: { type: 'integer' },
        transactions: { type: 'array', items: schema('Transaction'), description: 'The pooled transactions, then the reward (from "0", amount 1)' },
        proof: { type: 'integer' },
        previous_hash: { type: 'string' },
      }),
      PeerReason: object({ node: { type: 'string' }, reason: { type: 'string' } }),
      Skipped: { type: 'array', items: schema('PeerReason'), description: 'Peers that were down, slow, or served something else' },
      PeerStatus: object({
        node: { type: 'string', description: 'host:port' },
        reachable: nullable('boolean', 'null until first asked'),
        last_seen: nullable('number', 'When it last answered, in seconds since the epoch'),
        length: nullable('integer', 'The length of the chain it last served'),
        last_error: nullable('string', 'Why its last answer was not used'),
      }),
      Health: object({
        status: { const: 'ok' },
        node_id: { type: 'string' },
        length: { type: 'integer', minimum: 1 },
        tip_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        genesis_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        peers: { type: 'array', items: { type: 'string' } },
        peers_reachable: { type: 'array', items: { type: 'string' } },
      }),
      NetworkMember: object({
        node: { type: 'string', description: "host:port for a peer; this node's id for itself" },
        self: { type: 'boolean' },
        node_id: nullable('string'),
        reachable: { type: 'boolean' },
        length: nullable('integer', "The chain's full length; `chain` may hold only its last blocks"),
        chain: { type: 'array', items: object({ index: { type: 'integer' }, hash: { type: 'string' } }) },
        error: nullable('string'),
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
