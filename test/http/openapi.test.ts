import { hashBlock } from '../../src/chain/hash.ts';
import { searchProof } from '../../src/chain/proof-of-work.ts';
import { pythonStr } from '../../src/chain/py-json.ts';
import { routesOf } from '../../src/http/app.ts';
import { OPENAPI, type Method, type Reference, type Response, type Schema } from '../../src/http/openapi.ts';
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
  if (schema.enum !== undefined && !schema.enum.includes(value as string | number)) return [`${at}: not one of ${JSON.stringify(schema.enum)}`];
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
      'GET /nodes/resolve', 'GET /nodes', 'GET /health', 'GET /metrics', 'GET /openapi.json',
      'GET /chain/tip', 'GET /transactions/pending', 'POST /gossip/blocks', 'POST /gossip/transactions']));
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
    expect(mismatches({ status: 'adopted', length: 2 }, documentedBody('post', '/gossip/blocks', 200))).toEqual(['$.status: not one of ["appended","known","syncing"]']);
    expect(mismatches({ message: 'Transaction will be added to Block 2', id: 'no spaces please' }, documentedBody('post', '/transactions/new', 201))).not.toEqual([]);
  });

  test('puts what nodes say to each other under its own tag, and every tag used is declared', () => {
    const tagged = (tag: string) =>
      Object.entries(OPENAPI.paths).flatMap(([path, item]) => METHODS.filter((method) => item[method]?.tags.includes(tag)).map((method) => `${method.toUpperCase()} ${path}`));
    expect(tagged('gossip').sort()).toEqual(['GET /chain/tip', 'GET /transactions/pending', 'POST /gossip/blocks', 'POST /gossip/transactions']);
    const used = new Set(Object.values(OPENAPI.paths).flatMap((item) => METHODS.flatMap((method) => item[method]?.tags ?? [])));
    expect([...used].sort()).toEqual(OPENAPI.tags.map((tag) => tag.name).sort());
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

  type Init = { json?: unknown; body?: string; headers?: Record<string, string> };

  /** Calls `method path` (a query string aside, a documented path), expects `expectedStatus`, and checks the body against the document. */
  async function conforming(method: Method, path: string, init: Init, expectedStatus: number) {
    const { status, body } = await call(`${node.url}${path}`, { method: method.toUpperCase(), ...init });
    expect({ path, status }).toEqual({ path, status: expectedStatus });
    expect(mismatches(body, documentedBody(method, path.replace(/\?.*$/, ''), status))).toEqual([]);
    return body;
  }

  const tx = (recipient: string, id?: string) => ({ json: { sender: 'a', recipient, amount: 5, ...(id === undefined ? {} : { id }) } });

  // In order: each step works on the node the steps before it left.
  test.each<[string, Method, string, Init, number]>([
    ['a transaction', 'post', '/transactions/new', tx('b'), 201],
    ['a transaction with its own id', 'post', '/transactions/new', tx('b', 'tx-1'), 201],
    ['a copy of a known transaction', 'post', '/transactions/new', tx('b', 'tx-1'), 200],
    ['another transaction under a known id', 'post', '/transactions/new', tx('c', 'tx-1'), 409],
    ['transactions passed on by a peer', 'post', '/gossip/transactions', { json: { transactions: [tx('d', 'peer-1').json, tx('b', 'tx-1').json, tx('e', 'tx-1').json] } }, 200],
    ['passed-on transactions with one invalid', 'post', '/gossip/transactions', { json: { transactions: [tx('f', 'peer-2').json, { sender: 'a' }] } }, 400],
    ['the pending pool', 'get', '/transactions/pending', {}, 200],
    ['a mined block', 'get', '/mine', {}, 200],
    ['the chain', 'get', '/chain', {}, 200],
    ['the chain from a position on', 'get', '/chain?from=2', {}, 200],
    ['the chain past its tip', 'get', '/chain?from=9', {}, 200],
    ['a bad position', 'get', '/chain?from=0', {}, 400],
    ['the tip', 'get', '/chain/tip', {}, 200],
    ['an announced block the node has', 'post', '/gossip/blocks', { json: { block: { proof: 100, previous_hash: 1 }, length: 1 } }, 200],
    ['an announcement without a length', 'post', '/gossip/blocks', { json: { block: { proof: 100, previous_hash: 1 } } }, 400],
    ['a registration', 'post', '/nodes/register', { json: { nodes: ['127.0.0.1:1', 'localhost:1'] } }, 201],
    ['a resolution', 'get', '/nodes/resolve', {}, 200],
    ['the peers', 'get', '/nodes', {}, 200],
    ['the health', 'get', '/health', {}, 200],
    ['bad input', 'post', '/transactions/new', { json: { sender: 'a' } }, 400],
    ['a body too large', 'post', '/nodes/register', { json: { nodes: ['x'.repeat(2000)] } }, 413],
    ['a gossip body too large', 'post', '/gossip/transactions', { json: { transactions: [tx('x'.repeat(5000)).json] } }, 413],
  ])('%s', async (_name, method, path, init, expectedStatus) => {
    await conforming(method, path, init, expectedStatus);
  });

  test('the answers the document describes are the ones given', async () => {
    expect(await conforming('post', '/transactions/new', tx('g', 'tx-2'), 201)).toEqual({ message: 'Transaction will be added to Block 3', id: 'tx-2' });
    expect(await conforming('post', '/transactions/new', tx('g', 'tx-2'), 200)).toEqual({ message: 'Transaction tx-2 is already known', id: 'tx-2' });
    const pending = await conforming('get', '/transactions/pending', {}, 200);
    expect(pending).toEqual({ transactions: [{ sender: 'a', recipient: 'g', amount: 5, id: 'tx-2' }], length: 1 });
    const { chain } = node.node;
    expect(await conforming('get', `/chain?from=${chain.length}`, {}, 200)).toEqual({ chain: [chain.at(-1)], length: chain.length, from: chain.length });
    expect(await conforming('get', '/chain/tip', {}, 200)).toEqual({ length: chain.length, hash: hashBlock(chain.at(-1)!) });
  });

  test('an announced block that extends the tip is appended; one with a bad proof is rejected', async () => {
    const { hash, length } = (await call(`${node.url}/chain/tip`)).body;
    const lastProof = pythonStr(node.node.chain.at(-1)!.proof)!;
    const proof = searchProof(lastProof, node.node.difficulty, 0, Number.MAX_SAFE_INTEGER)!;
    const block = { index: length + 1, timestamp: 1_800_000_000.5, transactions: [], proof, previous_hash: hash };

    const rejected = await conforming('post', '/gossip/blocks', { json: { block: { ...block, proof: proof + 1 }, length: length + 1 } }, 400);
    expect(rejected.error).toMatch(/^block rejected: block \d+: proof \d+ is not valid/);
    expect(await conforming('post', '/gossip/blocks', { json: { block, length: length + 1 } }, 200)).toEqual({ status: 'appended', length: length + 1 });
    expect(await conforming('post', '/gossip/blocks', { json: { block, length: length + 1 } }, 200)).toEqual({ status: 'known', length: length + 1 });
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
