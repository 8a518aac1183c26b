/** The explorer: a live page of this node and its network, for a browser. */

import { CHAIN_TAIL } from '../../explorer/event-views.ts';
import { LAB_DROPPED_SHOWN, LAB_RETURNED_SHOWN } from '../../explorer/lab-view.ts';
import { NETWORK_BLOCKS } from '../../explorer/network-view.ts';
import { PAGE_FILES } from '../../explorer/page-files.ts';
import { array, badRequest, COMMON_HEADERS, DEFAULT_ERROR, json, object, schema, text, type PathItem } from './builders.ts';

const EVENTS =
  'Events: `snapshot` {node_id, mode, length, blocks, pending, pending_count, peers} (`mode` as in /health); ' +
  '`mined` {block, length, mining_ms, pending, pending_count}; `appended` {block, length, pending, pending_count}, a block a peer announced ' +
  'that extended this chain; `replaced` {peer, from, length, blocks, dropped, dropped_count, returned_count, pending, pending_count}, this node ' +
  'adopted the chain of `peer` from position `from` on, dropping `dropped_count` blocks (`dropped` lists the newest 100 as {index, hash}) ' +
  'whose `returned_count` transactions are pending again; `transaction` {transaction, pending_count}; `peers` {peers}; `peerFailure` {node, reason}. ' +
  'Each `data` is one line of JSON, and each event is kept to a quarter of EVENT_BUFFER_BYTES whatever the chain and the pool hold: ' +
  '`blocks` holds the newest blocks (at most 100) that fit, `length` says how many there are; `pending` the first pending transactions ' +
  '(at most 50) that fit, `pending_count` how many there are. A block comes as {hash, block}; a large one as a summary ' +
  '{hash, block, cut: true, bytes, transaction_count}, whose `block` holds its index, timestamp, proof and previous_hash and only its first 5 ' +
  'transactions. A transaction longer than 2 KiB as JSON comes with only sender, recipient, amount and id, each cut to 200 characters. ' +
  'A client that leaves EVENT_BUFFER_BYTES of events unread is cut off; its browser reconnects and starts with a new snapshot.';

/** A position in the chain, as GET /blocks takes one. */
const POSITION = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** A block as the explorer shows it, in /blocks as in the events: whole, or when large, cut (see EVENTS). */
const HASHED_BLOCK = object(
  {
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    block: { type: 'object', description: 'The block; when `cut`, its index, timestamp, proof, previous_hash and first transactions only' },
    cut: { const: true },
    bytes: { type: 'integer', minimum: 0, description: "The block's size as canonical JSON, when cut" },
    transaction_count: { type: 'integer', minimum: 0, description: 'How many transactions the block holds, when cut' },
  },
  ['hash', 'block'],
);

/** Names for the page's entry points; every other file is a module of its script. */
const NAMED: Readonly<Record<string, { operationId: string; summary: string }>> = {
  '/': { operationId: 'explorerPage', summary: "The explorer's page: this node live, and its network side by side" },
  '/explorer/explorer.css': { operationId: 'explorerStyle', summary: "The explorer page's style sheet" },
  '/explorer/explorer.js': {
    operationId: 'explorerScript',
    summary: "The explorer page's script, an ES module importing the others beside it",
  },
};

/** The page's files as the explorer serves them (its PAGE_FILES), in one list. */
const PAGE = PAGE_FILES.map(({ path, type }) => ({ path, type, ...NAMED[path] }));

const pascal = (name: string): string => name.replace(/(?:^|-)([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** GET for each file of the page. */
const PAGE_PATHS: Record<string, PathItem> = Object.fromEntries(
  PAGE.map(({ path, type, ...named }): [string, PathItem] => {
    const file = path.slice(path.lastIndexOf('/') + 1);
    const operationId = named.operationId ?? `explorer${pascal(file.replace(/\.js$/, ''))}Module`;
    const summary = named.summary ?? `\`${file}\`, a module of the explorer page's script`;
    return [
      path,
      {
        get: {
          operationId,
          summary,
          tags: ['explorer'],
          responses: {
            '200': text(`The file, with its ETag; \`Cache-Control: no-cache\``, type),
            '304': { description: "Not modified: If-None-Match names this build's ETag of the file", headers: COMMON_HEADERS },
            default: DEFAULT_ERROR,
          },
        },
      },
    ];
  }),
);

export const EXPLORER_PATHS: Record<string, PathItem> = {
  ...PAGE_PATHS,
  '/events': {
    get: {
      operationId: 'events',
      summary: 'Server-sent events: a `snapshot`, then one event per change of this node',
      description: EVENTS,
      tags: ['explorer'],
      responses: {
        '200': text('A stream that stays open until the client leaves', 'text/event-stream'),
        '429': json('MAX_EVENT_CLIENTS streams are open already: this one was not opened; a browser retries', schema('Error')),
        default: DEFAULT_ERROR,
      },
    },
  },
  '/blocks': {
    get: {
      operationId: 'blocks',
      summary: `At most ${CHAIN_TAIL} blocks of this node's chain, up to position \`to\` or from position \`from\` on`,
      description:
        'What the explorer pages through a long chain with: a window of blocks, each with its hash, as the events show them (a large block cut), ' +
        'and no more than a quarter of EVENT_BUFFER_BYTES in all: the block at the anchor always, then as many as fit. ' +
        'Without `from` or `to`, the newest blocks.',
      tags: ['explorer'],
      parameters: [
        {
          name: 'to',
          in: 'query',
          description: 'The newest block of the window; past the tip, the tip',
          required: false,
          schema: POSITION,
        },
        { name: 'from', in: 'query', description: 'The oldest block of the window; past the tip, none', required: false, schema: POSITION },
      ],
      responses: {
        '200': json(
          'The window, oldest first',
          object({
            length: { type: 'integer', minimum: 1, description: "The chain's full length" },
            from: { type: 'integer', minimum: 1, description: 'The position of the first block listed' },
            blocks: array(HASHED_BLOCK, 'Oldest first, from position `from` on'),
          }),
        ),
        '400': badRequest('A `from` or `to` that is not a whole number from 1, or both'),
        default: DEFAULT_ERROR,
      },
    },
  },
  '/network': {
    get: {
      operationId: 'network',
      summary: 'This node and each peer with the top of its chain as `[{index, hash}]`, side by side',
      description:
        `Each chain is shown by its last \`last\` blocks, at most ${NETWORK_BLOCKS}. A chainlab peer is asked for its tip (GET /chain/tip), ` +
        'and, only when that is not a block of this node, for the blocks of the window (GET /chain?from=N); never for its whole chain. ' +
        'A peer without /chain/tip (a reference node) sends its whole chain, all it serves: up to MAX_PEER_RESPONSE_BYTES within ' +
        'PEER_TIMEOUT_MS, of which its last blocks are shown.',
      tags: ['explorer'],
      parameters: [
        {
          name: 'last',
          in: 'query',
          description: `Only the last \`last\` blocks of each chain; more than ${NETWORK_BLOCKS} gives ${NETWORK_BLOCKS}, as does none`,
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 9_999_999 },
        },
        {
          name: 'lab',
          in: 'query',
          description:
            '`1`: each node also with `lab`, its faults (GET /lab), its verdict on its own chain (GET /chain/verify) and the newest ' +
            `${LAB_DROPPED_SHOWN} blocks it dropped in reorgs (GET /lab/dropped), each with at most ${LAB_RETURNED_SHOWN} of the transactions that ` +
            'went back to its pool; read as a client reads them, across every fault, within 2 s per node; `lab` is null for a node whose lab is off',
          required: false,
          schema: { type: 'string', enum: ['1'] },
        },
      ],
      responses: {
        '200': json('This node first, then its peers in registration order', object({ nodes: array(schema('NetworkMember')) })),
        '400': badRequest('A `last` that is not a whole number from 1 to 9999999, or a `lab` other than 1'),
        default: DEFAULT_ERROR,
      },
    },
  },
};
