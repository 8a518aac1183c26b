/** The fault lab (LAB=on; with LAB=off every /lab/* path is a 404): partitions, link faults, pausing. */

import type { OpenAPIV3_1 } from 'openapi-types';
import { MAX_DELAY_MS, MAX_NAME_CHARS, MAX_NAMES } from '../../lab/faults.ts';
import { COMMAND_TTL_MS, MAX_COMMANDS } from '../../lab/relay.ts';
import { array, bodyErrors, CROSS_SITE, DEFAULT_ERROR, json, jsonBody, object, schema, type PathItem, type Schema } from './builders.ts';

/** The tag of every lab route, declared in index.ts. */
export const LAB_TAG: OpenAPIV3_1.TagObject = {
  name: 'lab',
  description:
    'The fault lab, with LAB=on: split the network, slow or drop what a node sends, pause a node, and heal it all; ' +
    "faults are simulated in the nodes' own peer layer and live in memory. With LAB=off every /lab/* path answers 404.",
};

const NAME: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_NAME_CHARS,
  description: 'A node id, or an address as the peers know it: `node3:5000`, or a bare host such as `node3`',
};
const GROUPS: Schema = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_NAMES,
  items: { type: 'array', minItems: 1, items: NAME },
  description: `Each node in one group, at most ${MAX_NAMES} names in all; a node named in no group is with every other such node`,
};
const LINK: Record<string, Schema> = {
  delay_ms: { type: 'integer', minimum: 0, maximum: MAX_DELAY_MS, description: 'Waited before each request to the peer is sent' },
  loss: { type: 'number', minimum: 0, maximum: 1, description: 'The probability that a request to the peer is dropped' },
};

/** GET /lab's body, and what every lab route that changes a fault answers. */
const FAULTS = object(
  {
    groups: { oneOf: [GROUPS, { type: 'null' }], description: 'The partition, as it was given; null when there is none' },
    links: array(object({ peer: NAME, ...LINK }), 'Per-peer faults on what this node sends'),
    paused: { type: 'boolean', description: 'Whether this node neither sends to nor takes from its peers' },
    mining: object(
      {
        mode: { enum: ['manual', 'interval', 'on-transaction'] },
        seconds: { type: 'integer', minimum: 1 },
      },
      ['mode'],
    ),
  },
  ['groups', 'links', 'paused'],
);

const COMMAND_OUTCOME = object({
  lab: FAULTS,
  relayed: array(
    object({ node: { type: 'string' }, ok: { type: 'boolean' }, reason: { type: 'string' } }, ['node', 'ok']),
    'What each peer said when the command was passed to it, before this node carried it out',
  ),
});

const COMMAND_ID = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;

const change = (operationId: string, summary: string, description?: string): OpenAPIV3_1.OperationObject => ({
  operationId,
  summary,
  ...(description === undefined ? {} : { description }),
  tags: ['lab'],
  responses: { '200': json("This node's faults now", FAULTS), ...CROSS_SITE, default: DEFAULT_ERROR },
});

export const LAB_PATHS: Record<string, PathItem> = {
  '/lab': {
    get: {
      operationId: 'lab',
      summary: "This node's faults: the partition as given, its link faults, whether it is paused, and its mining mode",
      tags: ['lab'],
      responses: { '200': json("This node's faults", FAULTS), default: DEFAULT_ERROR },
    },
  },
  '/lab/partition': {
    post: {
      operationId: 'partition',
      summary: 'Splits the whole network into groups that neither send to nor take from each other',
      description:
        'Passed to every peer before any link is cut, with messages that cross every fault; each node passes it on. ' +
        'A partitioned node refuses peer requests (gossip, /chain, /chain/tip, introductions) from outside its group with 503, ' +
        'and its own fail at once; clients can still call every node.',
      tags: ['lab'],
      requestBody: jsonBody(object({ groups: GROUPS })),
      responses: {
        '200': json('Applied here, and relayed', COMMAND_OUTCOME),
        ...bodyErrors(
          `A body that is not \`{"groups": [["node1", "node2"], ["node3"]]}\` within the bounds, a name that is neither this node nor a peer, or one node in two groups`,
        ),
        ...CROSS_SITE,
      },
    },
  },
  '/lab/heal': {
    post: {
      operationId: 'heal',
      summary: 'Clears every fault of every node: partition, link faults, pauses',
      description: 'Relayed as /lab/partition is, so a heal sent to a cut-off node reaches everyone.',
      tags: ['lab'],
      responses: { '200': json('Applied here, and relayed', COMMAND_OUTCOME), ...CROSS_SITE, default: DEFAULT_ERROR },
    },
  },
  '/lab/links': {
    post: {
      ...change('setLink', 'Delays, or drops some of, what this node sends to one peer', 'Both 0 removes the fault.'),
      requestBody: jsonBody(object({ peer: NAME, ...LINK }, ['peer'])),
      responses: {
        '200': json("This node's faults now", FAULTS),
        ...bodyErrors(
          `A body that is not \`{"peer": "node3", "delay_ms": 300, "loss": 0.2}\` within the bounds, or a peer that names none of this node's peers`,
        ),
        ...CROSS_SITE,
      },
    },
  },
  '/lab/pause': { post: change('pause', 'This node stops talking to its peers, both ways, until resumed or healed') },
  '/lab/resume': { post: change('resume', 'Undoes /lab/pause') },
  '/lab/commands/{id}': {
    get: {
      operationId: 'labCommand',
      summary: 'A network-wide command this node started or took: how a peer confirms a relay',
      tags: ['lab'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: COMMAND_ID }],
      responses: {
        '200': json(
          'The command',
          object({ id: COMMAND_ID, type: { enum: ['partition', 'heal', 'reset'] }, groups: GROUPS }, ['id', 'type']),
        ),
        '404': json(
          `No such command is known here, or this node made or took it more than ${COMMAND_TTL_MS / 1000} s ago (a relay is confirmed at once, and an old one cannot be replayed), or it was let go (a node keeps its last ${MAX_COMMANDS})`,
          schema('Error'),
        ),
        default: DEFAULT_ERROR,
      },
    },
  },
  '/lab/relay': {
    post: {
      operationId: 'relayLabCommand',
      summary: 'A peer passes on a network-wide command, by id',
      description:
        'Taken only when `from` is a registered peer of this node, and only as that address serves it at GET /lab/commands/{id}: ' +
        `nothing the sender says of itself is believed unchecked. A node serves a command there for ${COMMAND_TTL_MS / 1000} s after it made or took it, ` +
        'so an old id relayed again (to a node that restarted and forgot it) is refused.',
      tags: ['lab'],
      requestBody: jsonBody(object({ id: COMMAND_ID, from: { type: 'string', description: "The sender's address, as `host:port`" } })),
      responses: {
        '200': json('Carried out now, or known already', object({ status: { enum: ['applied', 'known'] } })),
        ...bodyErrors('A body that is not `{"id": "...", "from": "host:port"}`'),
        ...CROSS_SITE,
        '403': json(
          'The sender is not a registered peer, or does not serve the command at its address, or this node does not carry out its type',
          schema('Error'),
        ),
      },
    },
  },
};
