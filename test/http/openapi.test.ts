// The OpenAPI document itself: its routes are the router's, both ways, its schemas compile, and the
// check test/support/contract.ts runs does catch an answer or a request that departs from it.
import { routesOf } from '../../src/http/app.ts';
import { OPENAPI } from '../../src/http/openapi.ts';
import { createTestApp } from '../support/apps.ts';
import { compileEverySchema, requestViolations, responseViolations } from '../support/contract.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `GET /chain`-style keys, sorted, for comparing two lists of routes. */
const keys = (routes: { method: string; path: string }[]) =>
  // The router's `/lab/commands/:id` is the document's `/lab/commands/{id}`.
  [...new Set(routes.map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`))].sort();

const documented = () =>
  keys(
    Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => ({ method, path })),
    ),
  );

const tx = (recipient: string, id?: string) => ({ sender: 'a', recipient, amount: 5, ...(id === undefined ? {} : { id }) });

/** A body of GET /health as a node answers it, to spoil one field at a time. */
const HEALTH = {
  status: 'ok',
  node_id: 'node-a',
  length: 1,
  tip_hash: 'a'.repeat(64),
  genesis_hash: 'a'.repeat(64),
  peers: [],
  peers_reachable: [],
  mode: { gossip: false, sync_interval_ms: 0, pow_rule: 'notebook', tx_rule: 'open', miner_address: 'node-a', difficulty: 4 },
};

describe('the OpenAPI document', () => {
  test('describes exactly the routes the app serves, and every route it serves', () => {
    const served = keys(routesOf(createTestApp({ lab: true }).app));
    // The routes this issue is about, so that a router that lost them cannot agree by accident.
    expect(served).toEqual(
      expect.arrayContaining([
        'GET /mine',
        'POST /mine',
        'POST /transactions/new',
        'GET /chain',
        'POST /nodes/register',
        'GET /nodes/resolve',
        'GET /nodes',
      ]),
    );
    expect(served).toEqual(
      expect.arrayContaining(['GET /health', 'GET /metrics', 'GET /openapi.json', 'GET /chain/tip', 'GET /transactions/pending']),
    );
    expect(served).toEqual(expect.arrayContaining(['POST /gossip/blocks', 'POST /gossip/transactions', 'GET /network', 'GET /events']));
    expect(served).toEqual(expect.arrayContaining(['GET /lab', 'POST /lab/partition', 'POST /lab/heal', 'POST /lab/relay']));
    expect({ servedButUndocumented: served.filter((route) => !documented().includes(route)) }).toEqual({ servedButUndocumented: [] });
    expect({ documentedButNotServed: documented().filter((route) => !served.includes(route)) }).toEqual({ documentedButNotServed: [] });
  });

  test('every schema in it compiles, every reference in it resolves', () => {
    expect(compileEverySchema().length).toBeGreaterThan(50);
    const refs = [...JSON.stringify(OPENAPI).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(10);
    const unresolved = refs.filter(
      (ref) => ref.split('/').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], OPENAPI) === undefined,
    );
    expect(unresolved).toEqual([]);
  });

  test('the check catches an answer that departs from the document', () => {
    expect(responseViolations('GET', '/health', 200, HEALTH)).toEqual([]);
    const { status: _status, ...noStatus } = HEALTH;
    expect(responseViolations('GET', '/health', 200, noStatus)).toEqual(["$: must have required property 'status'"]);
    expect(responseViolations('GET', '/health', 200, { ...HEALTH, mode: { ...HEALTH.mode, difficulty: 17 } })).toEqual([
      '$.mode.difficulty: must be <= 16',
    ]);
    expect(responseViolations('GET', '/health', 200, { ...HEALTH, tip_hash: 'A'.repeat(64) })).toEqual([
      '$.tip_hash: must match pattern "^[0-9a-f]{64}$"',
    ]);
    const pending = (transaction: object) => ({ transactions: [transaction], length: 1 });
    expect(responseViolations('GET', '/transactions/pending', 200, pending(tx('b')))).toEqual([]);
    expect(responseViolations('GET', '/transactions/pending', 200, pending(tx('')))).toEqual([
      '$.transactions.0.recipient: must NOT have fewer than 1 characters',
    ]);
    expect(responseViolations('GET', '/chain', 404, { error: 5 })).toEqual(['$.error: must be string']);
    expect(responseViolations('POST', '/gossip/blocks', 200, { status: 'adopted', length: 2 })).toEqual([
      '$.status: must be equal to one of the allowed values ["appended","known","syncing"]',
    ]);
    expect(
      responseViolations('GET', '/nodes/resolve', 200, { message: 'Our chain is authoritative', new_chain: [], skipped: [] }),
    ).not.toEqual([]);
    expect(
      responseViolations('POST', '/transactions/new', 201, { message: 'Transaction will be added to Block 2', id: 'no spaces please' }),
    ).not.toEqual([]);
    expect(responseViolations('GET', '/chain/tip', 418, { length: 1, hash: 'a'.repeat(64) })).toEqual([
      "$: must have required property 'error'",
    ]);
  });

  test('the check catches a request that departs from the document', () => {
    expect(requestViolations('POST', '/transactions/new', tx('b', 'tx-1'))).toEqual([]);
    // The body is a Transaction or a SignedTransaction (anyOf): ajv lists why it is neither.
    expect(requestViolations('POST', '/transactions/new', tx(''))).toContain('$.recipient: must NOT have fewer than 1 characters');
    expect(requestViolations('POST', '/transactions/new', tx('b', 'no spaces please'))).toContain(
      '$.id: must match pattern "^[A-Za-z0-9_-]{1,64}$"',
    );
    expect(requestViolations('POST', '/transactions/new')).toEqual(['the body is missing']);
    expect(requestViolations('GET', '/network?last=9999999')).toEqual([]);
    expect(requestViolations('GET', '/network?last=10000000')).toEqual(['?last: must be <= 9999999']);
    expect(requestViolations('GET', '/chain?from=two')).toEqual(['?from: must be integer']);
    expect(requestViolations('GET', '/chain?since=2')).toEqual(['?since: not a documented parameter']);
    expect(requestViolations('GET', '/chain', {})).toEqual(['the route takes no body']);
    expect(() => requestViolations('GET', '/no/such/path')).toThrow('GET /no/such/path is not in the OpenAPI document');
  });

  test('puts what nodes say to each other under its own tag, and every tag used is declared', () => {
    const tagged = (tag: string) =>
      Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
        METHODS.filter((method) => item[method]?.tags?.includes(tag)).map((method) => `${method.toUpperCase()} ${path}`),
      );
    expect(tagged('gossip').sort()).toEqual([
      'GET /chain/tip',
      'GET /transactions/pending',
      'POST /gossip/blocks',
      'POST /gossip/transactions',
    ]);
    const used = new Set(Object.values(OPENAPI.paths).flatMap((item) => METHODS.flatMap((method) => item[method]?.tags ?? [])));
    expect([...used].sort()).toEqual(OPENAPI.tags.map((tag) => tag.name).sort());
  });
});
