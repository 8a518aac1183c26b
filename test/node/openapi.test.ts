import { routesOf } from '../../src/node/app.ts';
import { OPENAPI, type Method, type Reference, type Response, type Schema } from '../../src/node/openapi.ts';
import { createTestApp } from '../support/apps.ts';
import { call, startTestNode } from '../support/nodes.ts';

const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

/** `GET /chain`-style keys, sorted, for comparing two lists of routes. */
const keys = (routes: { method: string; path: string }[]) => [...new Set(routes.map(({ method, path }) => `${method.toUpperCase()} ${path}`))].sort();

const documented = () =>
  keys(Object.entries(OPENAPI.paths).flatMap(([path, item]) => METHODS.filter((method) => item[method] !== undefined).map((method) => ({ method, path }))));

/** Follows a `#/components/...` reference within the document. */
function resolve<T>(node: T | Reference): T {
  if (typeof node !== 'object' || node === null || !('$ref' in node) || node.$ref === undefined) return node as T;
  const target = node.$ref.replace(/^#\//, '').split('/').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], OPENAPI);
  if (target === undefined) throw new Error(`unresolved ${node.$ref}`);
  return resolve(target as T | Reference);
}

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);

/** Where `value` departs from `schema` (the subset the document uses); empty when it conforms. */
function mismatches(value: unknown, schemaOrRef: Schema, at = '$'): string[] {
  const schema = resolve<Schema>(schemaOrRef);
  if (schema.oneOf !== undefined) {
    const matching = schema.oneOf.filter((option) => mismatches(value, option, at).length === 0);
    return matching.length === 1 ? [] : [`${at}: matches ${matching.length} of the oneOf options`];
  }
  if (schema.const !== undefined && value !== schema.const) return [`${at}: expected ${JSON.stringify(schema.const)}`];
  if (schema.type !== undefined) {
    const allowed: string[] = [schema.type].flat();
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) return [`${at}: ${actual}, expected ${allowed.join(' or ')}`];
  }
  if (typeof value === 'string' && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return [`${at}: does not match ${schema.pattern}`];
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) return [`${at}: below ${schema.minimum}`];
  if (Array.isArray(value) && schema.items !== undefined) return value.flatMap((item, i) => mismatches(item, schema.items!, `${at}[${i}]`));
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const missing = (schema.required ?? []).filter((name) => !(name in object)).map((name) => `${at}.${name}: missing`);
    const wrong = Object.entries(schema.properties ?? {}).flatMap(([name, property]) => (name in object ? mismatches(object[name], property, `${at}.${name}`) : []));
    return [...missing, ...wrong];
  }
  return [];
}

/** The JSON schema documented for `status` (or `default`) of `method path`. */
function documentedBody(method: Method, path: string, status: number): Schema {
  const operation = OPENAPI.paths[path]?.[method];
  if (operation === undefined) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
  const response = resolve<Response>(operation.responses[String(status)] ?? operation.responses.default!);
  const body = response.content?.['application/json']?.schema;
  if (body === undefined) throw new Error(`${method.toUpperCase()} ${path} ${status} has no JSON body documented`);
  return body;
}

describe('the OpenAPI document', () => {
  test('describes exactly the routes the app serves, and every route it serves', () => {
    const served = keys(routesOf(createTestApp().app));
    // The routes this issue is about, so that a router that lost them cannot agree by accident.
    expect(served).toEqual(expect.arrayContaining(['GET /mine', 'POST /mine', 'POST /transactions/new', 'GET /chain', 'POST /nodes/register',
      'GET /nodes/resolve', 'GET /nodes', 'GET /health', 'GET /metrics', 'GET /openapi.json']));
    expect({ servedButUndocumented: served.filter((route) => !documented().includes(route)) }).toEqual({ servedButUndocumented: [] });
    expect({ documentedButNotServed: documented().filter((route) => !served.includes(route)) }).toEqual({ documentedButNotServed: [] });
  });

  test('every reference in it resolves', () => {
    const refs = JSON.stringify(OPENAPI).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(() => resolve({ $ref: ref.slice(8, -1) })).not.toThrow();
  });

  test('the schema check used below does catch a body that departs from the document', () => {
    expect(mismatches({}, documentedBody('get', '/health', 200))).toContain('$.status: missing');
    expect(mismatches({ error: 5 }, documentedBody('get', '/chain', 404))).toEqual(['$.error: integer, expected string']);
    expect(mismatches({ message: 'Our chain is authoritative', new_chain: [], skipped: [] }, documentedBody('get', '/nodes/resolve', 200))).not.toEqual([]);
  });
});

describe('real responses match the document', () => {
  let node: Awaited<ReturnType<typeof startTestNode>>;
  beforeAll(async () => {
    node = await startTestNode({ NODE_ID: 'node-a', MAX_BODY_BYTES: '1024' });
  });
  afterAll(() => node.close());

  test('GET /openapi.json serves the document', async () => {
    const { status, body } = await call(`${node.url}/openapi.json`);
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
  });

  test.each<[string, Method, string, { json?: unknown; body?: string; headers?: Record<string, string> }, number]>([
    ['a transaction', 'post', '/transactions/new', { json: { sender: 'a', recipient: 'b', amount: 5 } }, 201],
    ['a mined block', 'get', '/mine', {}, 200],
    ['the chain', 'get', '/chain', {}, 200],
    ['a registration', 'post', '/nodes/register', { json: { nodes: ['127.0.0.1:1', 'localhost:1'] } }, 201],
    ['a resolution', 'get', '/nodes/resolve', {}, 200],
    ['the peers', 'get', '/nodes', {}, 200],
    ['the health', 'get', '/health', {}, 200],
    ['bad input', 'post', '/transactions/new', { json: { sender: 'a' } }, 400],
    ['a body too large', 'post', '/nodes/register', { json: { nodes: ['x'.repeat(2000)] } }, 413],
  ])('%s', async (_name, method, path, init, expectedStatus) => {
    const { status, body } = await call(`${node.url}${path}`, { method: method.toUpperCase(), ...init });
    expect(status).toBe(expectedStatus);
    expect(mismatches(body, documentedBody(method, path, status))).toEqual([]);
  });

  test.each([
    ['an unknown path', 'GET', '/no/such/path', 404],
    ['a method the path does not take', 'GET', '/transactions/new', 405],
  ])('%s gets the documented error shape', async (_name, method, path, expectedStatus) => {
    const { status, body } = await call(`${node.url}${path}`, { method });
    expect(status).toBe(expectedStatus);
    expect(mismatches(body, { $ref: '#/components/schemas/Error' })).toEqual([]);
  });
});
