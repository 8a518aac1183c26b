/** For operators: health, peers, metrics, and the document itself. */

import { array, DEFAULT_ERROR, json, object, schema, text, type PathItem } from './builders.ts';

export const OPERATIONS_PATHS: Record<string, PathItem> = {
  '/nodes': {
    get: {
      operationId: 'peers',
      summary: 'What this node last learned of each peer',
      tags: ['operations'],
      responses: {
        '200': json('The peers, in registration order', object({ nodes: array(schema('PeerStatus')) })),
        default: DEFAULT_ERROR,
      },
    },
  },
  '/health': {
    get: {
      operationId: 'health',
      summary: 'The healthcheck: length, tip, genesis, peers, and how the node takes part in the network',
      tags: ['operations'],
      responses: {
        '200': json('The node is up', schema('Health')),
        '503': json(
          'The node is up but a write to its store (DATA_DIR) has failed: what it acknowledges now would not survive a restart',
          schema('Health'),
        ),
        default: DEFAULT_ERROR,
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics: chain, mining, peers, HTTP latency, and the process',
      description: 'docs/metrics.md lists each chainlab metric with its type, labels and buckets.',
      tags: ['operations'],
      responses: { '200': text('The Prometheus text format', 'text/plain; version=0.0.4; charset=utf-8'), default: DEFAULT_ERROR },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openapi',
      summary: 'This document: the OpenAPI 3.1 description of every route',
      tags: ['operations'],
      responses: {
        '200': json(
          'OpenAPI 3.1',
          object({
            openapi: { const: '3.1.0' },
            info: { type: 'object' },
            tags: array({ type: 'object' }),
            paths: { type: 'object' },
            components: { type: 'object' },
          }),
        ),
        default: DEFAULT_ERROR,
      },
    },
  },
};
