/** Shorthands the path and schema files build the document with. */

import type { OpenAPIV3_1 } from 'openapi-types';

export type Schema = OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject;
export type Response = OpenAPIV3_1.ResponseObject | OpenAPIV3_1.ReferenceObject;
export type Responses = OpenAPIV3_1.ResponsesObject;
export type Operation = OpenAPIV3_1.OperationObject;
/**
 * OpenAPIV3_1.PathItemObject as the spec has it. openapi-types also intersects each method with
 * 3.0's OperationObject (kogosoftwarellc/open-api#910), which a 3.1 schema (`type: ['string',
 * 'null']`, `const`) fails; so the methods are declared here once, with 3.1's OperationObject.
 */
export type PathItem = Omit<OpenAPIV3_1.PathItemObject, OpenAPIV3_1.HttpMethods> & { [method in OpenAPIV3_1.HttpMethods]?: Operation };

type JsonType = OpenAPIV3_1.NonArraySchemaObjectType;

export const ref = (kind: 'schemas' | 'responses' | 'headers', name: string): OpenAPIV3_1.ReferenceObject => ({
  $ref: `#/components/${kind}/${name}`,
});
export const schema = (name: string): OpenAPIV3_1.ReferenceObject => ref('schemas', name);

/** Every response carries these two headers. */
export const COMMON_HEADERS = { 'X-Request-Id': ref('headers', 'RequestId'), 'X-Chainlab-Node-Id': ref('headers', 'NodeId') };

export const json = (description: string, body: Schema): OpenAPIV3_1.ResponseObject => ({
  description,
  headers: COMMON_HEADERS,
  content: { 'application/json': { schema: body } },
});

export const text = (description: string, type: string): OpenAPIV3_1.ResponseObject => ({
  description,
  headers: COMMON_HEADERS,
  content: { [type]: { schema: { type: 'string' } } },
});

export const jsonBody = (body: Schema): OpenAPIV3_1.RequestBodyObject => ({
  required: true,
  content: { 'application/json': { schema: body } },
});

export const nullable = (type: JsonType, description: string): OpenAPIV3_1.SchemaObject => ({ type: [type, 'null'], description });

/** An object schema; every property is required unless `required` names fewer. */
export const object = (properties: Record<string, Schema>, required = Object.keys(properties)): OpenAPIV3_1.SchemaObject => ({
  type: 'object',
  properties,
  required,
});

export const array = (items: Schema, description?: string): OpenAPIV3_1.SchemaObject => ({
  type: 'array',
  items,
  ...(description === undefined ? {} : { description }),
});

/** Any error: `{error}` with the status; 404 and 405 for a path or method that has no route, 500 for a bug. */
export const DEFAULT_ERROR = ref('responses', 'Error');

/** A 400 whose `{error}` says what was wrong with this route's input: `what` lists what that can be. */
export const badRequest = (what: string): OpenAPIV3_1.ResponseObject => json(`${what}; nothing was changed`, schema('Error'));

/** What a request with a JSON body can get wrong, `what` being what its 400 covers. */
export const bodyErrors = (what: string): Responses => ({
  '400': badRequest(what),
  '413': ref('responses', 'PayloadTooLarge'),
  '415': ref('responses', 'UnsupportedMediaType'),
  default: DEFAULT_ERROR,
});

/** The same for a peer's request: gossip routes take a block's worth, up to MAX_BLOCK_BYTES and 64 KiB. */
export const gossipBodyErrors = (what: string): Responses => ({
  ...bodyErrors(what),
  '413': json('A body larger than MAX_BLOCK_BYTES and 64 KiB; nothing was changed', schema('Error')),
});

/** The answer of a route that changes the node to a browser's request from another site (see http/cross-site.ts). */
export const CROSS_SITE: Responses = { '403': ref('responses', 'CrossSite') };

/** The answer of a route that stores what it takes, once the store has failed. */
export const STORE_FAILED: Responses = { '503': ref('responses', 'StoreFailed') };

/** What any route with a JSON body says in its 400 besides its own fields. */
export const NOT_JSON = 'a body that is not JSON, or is sent without `Content-Type: application/json`';
