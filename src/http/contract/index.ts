/**
 * The OpenAPI 3.1 document of every route the node serves: the one source of the HTTP contract.
 * GET /openapi.json serves it, test/http/openapi.test.ts holds the router and real answers to it
 * (with ajv), and tools/docs/api.ts renders docs/api.md from it.
 */

import type { OpenAPIV3_1 } from 'openapi-types';
import type { PathItem } from './builders.ts';
import { ACCOUNTS_PATHS } from './paths-accounts.ts';
import { EXPLORER_PATHS } from './paths-explorer.ts';
import { GOSSIP_PATHS } from './paths-gossip.ts';
import { LAB_PATHS, LAB_TAG } from './paths-lab.ts';
import { LAB_CHAIN_PATHS } from './paths-lab-chain.ts';
import { NOTEBOOK_PATHS } from './paths-notebook.ts';
import { OPERATIONS_PATHS } from './paths-operations.ts';
import { COMPONENTS } from './schemas.ts';

/** An OpenAPI 3.1 document whose paths, components and tags are there to read without a check. */
export type ApiDocument = Omit<OpenAPIV3_1.Document, 'paths' | 'components' | 'tags'> & {
  paths: Record<string, PathItem>;
  components: typeof COMPONENTS;
  tags: OpenAPIV3_1.TagObject[];
};

export const OPENAPI: ApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'chainlab node',
    version: '0.1.0',
    description:
      "A node of the 'Learn Blockchains by Building One' network: the reference's endpoints, plus what nodes say to each other (gossip), " +
      "operators' endpoints and an explorer. " +
      'Bad input gets `{"error": "what is wrong"}` with the status and changes nothing: 400 bad input, ' +
      "403 a browser's request from another site to a route that changes the node, 404 an unknown path, " +
      '405 a method the path does not take, 409 a transaction id taken by another transaction, 413 a body larger than MAX_BODY_BYTES ' +
      '(MAX_BLOCK_BYTES and 64 KiB for /gossip/*) or a transaction too large for a block, 415 a body in an unknown Content-Encoding, ' +
      '429 a full pending pool, peer list or set of event streams, 503 a failed store (DATA_DIR), 500 a bug. ' +
      'Every response carries X-Request-Id and X-Chainlab-Node-Id.',
  },
  tags: [
    {
      name: 'notebook',
      description:
        "The reference node's five endpoints, answering with the original's statuses and JSON shapes; the other routes are chainlab's own",
    },
    {
      name: 'gossip',
      description:
        'What nodes say to each other: their tips, the blocks they announce and the transactions they pass on. ' +
        'Served whether or not GOSSIP is on, so that any chainlab node can announce to this one and catch up from it.',
    },
    { name: 'operations', description: 'For operators: health, peers, metrics, this document' },
    { name: 'explorer', description: 'A live page of this node and its network, for a browser' },
    LAB_TAG,
  ],
  paths: {
    ...NOTEBOOK_PATHS,
    ...GOSSIP_PATHS,
    ...OPERATIONS_PATHS,
    ...ACCOUNTS_PATHS,
    ...EXPLORER_PATHS,
    ...LAB_PATHS,
    ...LAB_CHAIN_PATHS,
  },
  components: COMPONENTS,
};
