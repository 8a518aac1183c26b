/** The document's components: the bodies several routes share, the common errors and headers. */

import type { OpenAPIV3_1 } from 'openapi-types';
import { TRANSACTION_ID } from '../../chain/validate.ts';
import { array, COMMON_HEADERS, nullable, object, schema } from './builders.ts';

const HASH = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

const SCHEMAS: Record<string, OpenAPIV3_1.SchemaObject> = {
  Error: object({ error: { type: 'string', description: 'What is wrong, and how to fix it' } }),
  Transaction: object(
    {
      sender: { type: 'string', minLength: 1, description: 'Any non-empty string; "0" in a mining reward' },
      recipient: { type: 'string', minLength: 1, description: 'Any non-empty string' },
      amount: { type: 'number', description: 'A finite number, kept exactly as sent: 5.0 stays a float, big integers stay exact' },
      id: { ...schema('TransactionId'), description: 'Optional: the node gives one to a transaction that comes without' },
    },
    ['sender', 'recipient', 'amount'],
  ),
  // The worked example of the README's "Signed transactions": alice's first payment, 5 to bob.
  SignedTransaction: {
    ...object({
      sender: { ...HASH, description: "An address: the sender's raw Ed25519 public key, 64 lowercase hex digits" },
      recipient: { ...HASH, description: 'An address, 64 lowercase hex digits' },
      amount: {
        type: 'number',
        exclusiveMinimum: 0,
        description: 'A finite number > 0, signed as it is written: 5 and 5.0 are different texts',
      },
      nonce: {
        type: 'integer',
        minimum: 1,
        description: "1 for the sender's first transaction, then one more than its last (GET /accounts/{address}'s next_nonce)",
      },
      signature: {
        type: 'string',
        pattern: '^[0-9a-f]{128}$',
        description:
          "The sender's Ed25519 signature of the UTF-8 bytes of the canonical JSON of {amount, nonce, recipient, sender} (Python's " +
          'json.dumps(sort_keys=True), so `", "` and `": "` between items), here of {"amount": 5, "nonce": 1, "recipient": "8139...b394", "sender": "8a88...6f5c"}',
      },
    }),
    description: 'A transaction under TX_RULE=signed. The node works out its id from the signature; an `id` sent must be that one.',
    examples: [
      {
        sender: '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
        recipient: '8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394',
        amount: 5,
        nonce: 1,
        signature:
          '30e18ee8de7d6775214766c424fa089322eb290d98ec5255a090cb78393317f268b8b6b68b6f7243eeb5e48312536c9f037f33c466b089b0a4c0bfe9f92bce03',
      },
    ],
  },
  TransactionId: {
    type: 'string',
    pattern: TRANSACTION_ID.source,
    description:
      '1 to 64 letters, digits, - or _. Chosen by the client, or given by the node that first accepted the transaction (32 hex digits), ' +
      'so that copies arriving by other paths (a retry, gossip, a reorg) are recognised. Mining rewards, and transactions from reference nodes, have none.',
  },
  Block: {
    ...object({
      index: { type: 'integer', minimum: 1, description: "The block's position: 1 is the genesis block" },
      timestamp: { type: 'number', description: 'Seconds since the epoch, as a float' },
      transactions: array(schema('Transaction')),
      proof: { type: 'integer' },
      previous_hash: { type: ['string', 'integer'], description: "The previous block's hash; 1 in the genesis block" },
    }),
    description:
      "A block as the reference serves it; a block adopted from a peer keeps any other field it came with, since it is part of the block's hash",
  },
  Blocks: array(schema('Block'), 'Oldest first, from the genesis block on'),
  Chain: object(
    {
      chain: schema('Blocks'),
      length: {
        type: 'integer',
        minimum: 1,
        description: "The chain's full length, even when `chain` holds only its blocks from `from` on",
      },
      from: {
        type: 'integer',
        minimum: 1,
        description: 'Present when asked with ?from=N: `chain` holds the blocks from position N on, none when N is past the tip',
      },
    },
    ['chain', 'length'],
  ),
  Tip: object({
    length: { type: 'integer', minimum: 1 },
    hash: { ...HASH, description: 'The hash of the last block' },
  }),
  BlockOutcome: object({
    status: {
      enum: ['appended', 'known', 'syncing'],
      description:
        '`appended`: it extended this chain; `known`: this chain is as long already; `syncing`: it did not extend this chain, so the node syncs with its peers',
    },
    length: { type: 'integer', minimum: 1, description: "This node's chain length, after the block" },
  }),
  MinedBlock: object({
    message: { const: 'New Block Forged' },
    index: { type: 'integer', minimum: 2 },
    transactions: array(schema('Transaction'), 'The pooled transactions, then the reward (from "0", amount 1, no id)'),
    proof: { type: 'integer' },
    previous_hash: { ...HASH, description: "The hash of the block before it: this chain's tip when mining began" },
  }),
  PeerReason: object({ node: { type: 'string', description: 'host:port' }, reason: { type: 'string' } }),
  Skipped: array(schema('PeerReason'), 'Peers that were down, slow, or served something else'),
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
    sync_interval_ms: {
      type: 'integer',
      minimum: 0,
      maximum: 3_600_000,
      description: 'How often it syncs with its peers on its own; 0: only when told (GET /nodes/resolve)',
    },
    pow_rule: { enum: ['notebook', 'linked'], description: 'What a proof covers (POW_RULE)' },
    tx_rule: { enum: ['open', 'signed'], description: 'Who may spend what (TX_RULE)' },
    miner_address: {
      type: 'string',
      description: "Whom this node's rewards pay: MINER_ADDRESS or its generated key's address under signed, NODE_ID under open",
    },
    difficulty: { type: 'integer', minimum: 1, maximum: 16, description: 'Leading hex zeros a proof needs (DIFFICULTY)' },
  }),
  Health: object(
    {
      status: { enum: ['ok', 'failing'], description: '`failing` once a write to DATA_DIR has failed' },
      error: { type: 'string', description: 'Why the node is failing; only when it is' },
      node_id: { type: 'string' },
      length: { type: 'integer', minimum: 1 },
      tip_hash: HASH,
      genesis_hash: HASH,
      peers: array({ type: 'string' }, 'Every registered peer, as host:port'),
      peers_reachable: array({ type: 'string' }, 'The peers that answered when last asked'),
      mode: schema('Mode'),
      // Only when the log was found damaged at start (a torn last line is not damage).
      store_damage: object(
        {
          reason: { type: 'string', description: 'What was wrong with the first damaged record' },
          kept_records: { type: 'integer', minimum: 0, description: 'Records before the damage, kept in chain.log' },
          moved_to: { type: 'string', description: 'Where the damaged log is kept, byte for byte' },
          offset: { type: 'integer', minimum: 0, description: 'The byte where the damage starts' },
        },
        ['reason', 'kept_records', 'moved_to', 'offset'],
      ),
    },
    ['status', 'node_id', 'length', 'tip_hash', 'genesis_hash', 'peers', 'peers_reachable', 'mode'],
  ),
  NetworkMember: object(
    {
      node: { type: 'string', description: "host:port for a peer; this node's id for itself" },
      self: { type: 'boolean' },
      node_id: nullable('string', 'The id the page names it by; null for a peer not heard from yet, and for a reference node'),
      address: nullable('string', 'host:port: a peer as registered; this node as it advertises itself, when known'),
      reachable: nullable('boolean', 'As GET /nodes has it: null for a peer never asked'),
      length: nullable('integer', "The chain's full length; `chain` holds only its last blocks (see GET /network)"),
      chain: array(object({ index: { type: 'integer', minimum: 1 }, hash: { type: 'string' } }), 'Oldest first'),
      error: nullable('string', 'Why the chain is not shown: the last error GET /nodes has for the peer'),
      lab: {
        type: ['object', 'null'],
        description:
          'With GET /network?lab=1 only: {faults (GET /lab as the node gave it), valid, reasons, dropped: [{index, hash, previous_hash, ' +
          "replaced_by, returned, returned_count}], dropped_count, error}; null when the node's lab is off (its GET /lab is a 404)",
      },
    },
    ['node', 'self', 'node_id', 'address', 'reachable', 'length', 'chain', 'error'],
  ),
};

const errorResponse = (description: string): OpenAPIV3_1.ResponseObject => ({
  description,
  headers: COMMON_HEADERS,
  content: { 'application/json': { schema: schema('Error') } },
});

const RESPONSES: Record<string, OpenAPIV3_1.ResponseObject> = {
  Error: errorResponse('An error: 404 for an unknown path, 405 for a method the path does not take, 500 for a bug'),
  PayloadTooLarge: errorResponse('A body larger than MAX_BODY_BYTES; nothing was changed'),
  UnsupportedMediaType: errorResponse('A body in an unknown Content-Encoding; nothing was changed'),
  CrossSite: errorResponse(
    'A browser request from another site to a route that changes the node: `Sec-Fetch-Site: cross-site` or `same-site`, or an `Origin` ' +
      "whose host and port are not the request's `Host`. The `error` names which; nothing was changed. curl, peers and the node's own page send neither.",
  ),
  StoreFailed: errorResponse(
    "The node's store (DATA_DIR) has failed: it takes no change it could not keep, until it is restarted; nothing was changed",
  ),
};

const HEADERS: Record<string, OpenAPIV3_1.HeaderObject> = {
  RequestId: {
    description:
      "The request's id: the caller's own X-Request-Id when it is 1 to 128 characters of `A-Z a-z 0-9 . _ : -`, else a new UUID. " +
      "The same id is in the request's log line.",
    schema: { type: 'string' },
  },
  NodeId: {
    description: "This node's id, so that a node that finds itself among its peers under another name drops that peer",
    schema: { type: 'string' },
  },
};

export const COMPONENTS = { schemas: SCHEMAS, responses: RESPONSES, headers: HEADERS };
