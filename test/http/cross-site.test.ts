// A page on another site must not drive a node through its visitor's browser (src/http/cross-site.ts):
// the routes that change the node refuse what the browser marks as cross-site, and serve curl,
// peers and the node's own page as before.
import { request } from 'node:http';
import { crossSiteReason } from '../../src/http/cross-site.ts';
import { createTestApp, searchingMiner, serve } from '../support/apps.ts';

interface Answer {
  status: number;
  body: { error?: string } | undefined;
}

/** `method path` with exactly these headers (fetch would add its own Origin and Sec-Fetch-* to some). */
async function send(base: string, method: string, path: string, headers: Record<string, string>, json?: unknown): Promise<Answer> {
  const { hostname, port } = new URL(base);
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method, path, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: jsonOrNothing(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function jsonOrNothing(text: string): Answer['body'] {
  try {
    return JSON.parse(text) as Answer['body'];
  } catch {
    return undefined; // the page, or HEAD's empty body
  }
}

const TX = { sender: 'alice', recipient: 'bob', amount: 5 };

/** Every route that changes the node, as a browser on another site could send it. */
const DRIVING: [method: string, path: string, json?: unknown][] = [
  ['GET', '/mine'],
  ['HEAD', '/mine'],
  ['GET', '/MINE/'], // the router's spelling of the same route
  ['POST', '/mine'],
  ['GET', '/nodes/resolve'],
  ['POST', '/nodes/resolve'],
  ['POST', '/transactions/new', TX],
  ['POST', '/nodes/register', { nodes: ['127.0.0.1:1'] }],
  ['POST', '/gossip/transactions', { transactions: [{ ...TX, id: 'tx-1' }] }],
  ['POST', '/gossip/blocks', { block: { proof: 1, previous_hash: 'x' }, length: 9 }],
];

describe('requests that would drive the node', () => {
  const FOREIGN: [string, (own: string) => Record<string, string>, RegExp][] = [
    ['Sec-Fetch-Site: cross-site', () => ({ 'sec-fetch-site': 'cross-site' }), /^a cross-site request \(Sec-Fetch-Site\)/],
    ['Sec-Fetch-Site: same-site (another port)', () => ({ 'sec-fetch-site': 'same-site' }), /^a same-site request/],
    [
      'an Origin of another host',
      () => ({ origin: 'http://evil.example' }),
      /^a request from another origin \(Origin http:\/\/evil\.example/,
    ],
    ['an Origin of another port', (own) => ({ origin: own.replace(/:\d+$/, ':1') }), /^a request from another origin/],
    ['an Origin of null (a sandboxed frame)', () => ({ origin: 'null' }), /^a request from another origin \(Origin null/],
    [
      'a same-origin Origin but Sec-Fetch-Site: cross-site',
      (own) => ({ origin: own, 'sec-fetch-site': 'cross-site' }),
      /^a cross-site request/,
    ],
  ];

  test.each(FOREIGN)('are refused with 403 and a reason when the browser says %s, and change nothing', async (_name, headers, reason) => {
    const { app, node } = createTestApp({ miner: searchingMiner });
    await using server = await serve(app);
    for (const [method, path, json] of DRIVING) {
      const { status, body } = await send(server.url, method, path, headers(server.url), json);
      const expected = method === 'HEAD' ? undefined : { error: expect.stringMatching(reason) };
      expect({ method, path, status, body }).toEqual({ method, path, status: 403, body: expected });
    }
    expect({ length: node.chain.length, pending: node.pending.length, peers: node.peers }).toEqual({ length: 1, pending: 0, peers: [] });
  });

  test('are served to curl (neither header), to the same origin, and to a typed address (Sec-Fetch-Site: none)', async () => {
    const { app, node } = createTestApp({ miner: searchingMiner });
    await using server = await serve(app);
    const sameOrigin: Record<string, string>[] = [
      {},
      { origin: server.url },
      { 'sec-fetch-site': 'same-origin', origin: server.url },
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of sameOrigin) {
      expect({ headers, status: (await send(server.url, 'GET', '/mine', headers)).status }).toEqual({ headers, status: 200 });
      expect((await send(server.url, 'POST', '/nodes/resolve', headers)).status).toBe(200);
      expect((await send(server.url, 'POST', '/transactions/new', headers, TX)).status).toBe(201);
    }
    expect(node.chain.length).toBe(1 + sameOrigin.length);
  });

  test('reads stay open to any site, as they were', async () => {
    const { app } = createTestApp();
    await using server = await serve(app);
    for (const path of ['/chain', '/health', '/nodes', '/transactions/pending', '/'])
      expect({
        path,
        status: (await send(server.url, 'GET', path, { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' })).status,
      }).toEqual({
        path,
        status: 200,
      });
  });
});

describe('crossSiteReason', () => {
  const reason = (headers: Record<string, string>) => crossSiteReason({ get: (name: string) => headers[name.toLowerCase()] ?? '' });

  test('matches an Origin to the Host by host and port, a default port left out or not', () => {
    expect(reason({ host: 'localhost:5000', origin: 'http://localhost:5000' })).toBeUndefined();
    expect(reason({ host: 'LOCALHOST:5000', origin: 'http://localhost:5000' })).toBeUndefined();
    expect(reason({ host: 'localhost', origin: 'http://localhost' })).toBeUndefined();
    expect(reason({ host: 'localhost:80', origin: 'http://localhost' })).toBeUndefined();
    expect(reason({ host: 'node1:443', origin: 'https://node1' })).toBeUndefined();
    expect(reason({ host: '[::1]:5000', origin: 'http://[::1]:5000' })).toBeUndefined();
  });

  test('takes nothing else for the same origin', () => {
    for (const [host, origin] of [
      ['localhost:5000', 'http://localhost:5001'],
      ['localhost:5000', 'http://localhost'],
      ['localhost:5000', 'file://'],
      ['localhost:5000', 'not a url'],
      ['', 'http://localhost:5000'],
      ['localhost:5000/x', 'http://localhost:5000'],
      ['evil@localhost:5000', 'http://localhost:5000'],
    ] as const)
      expect({ host, origin, reason: reason({ host, origin }) }).toEqual({ host, origin, reason: expect.any(String) });
  });

  test('quotes a long Origin only in part', () => {
    expect(reason({ host: 'h:1', origin: `http://${'x'.repeat(100_000)}` })!.length).toBeLessThan(400);
  });
});
