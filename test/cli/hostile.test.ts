import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from '../support/cli.ts';
import { startFakePeer } from '../support/nodes.ts';

/** What a node may send to make a terminal retitle, clear, recolour, ring, or fake a line. */
const ESCAPES = '\x1b]0;PWNED\x07\x1b[2J\x1b[31mFAKE\r\n\u009b2J';
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\x1b\x07\r\u009b]/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainlab-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wallets = () => join(dir, 'wallets');
const chainlab = (...argv: string[]) => runCli(wallets(), ...argv);
const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** A node whose every text is an escape sequence; its /health says TX_RULE=`rule`. */
const hostileNode = (rule: string) =>
  startFakePeer((req, res) => {
    const path = req.url ?? '';
    if (path === '/health')
      return json(res, 200, { node_id: `n${ESCAPES}`, length: ESCAPES, tip_hash: ESCAPES, peers: [], mode: { tx_rule: rule } });
    if (path === '/transactions/pending') return json(res, 200, { length: ESCAPES });
    if (path === '/mine') return json(res, 200, { index: ESCAPES, proof: ESCAPES, transactions: [] });
    if (path === '/chain') return json(res, 200, { chain: [{ index: ESCAPES, proof: ESCAPES, previous_hash: ESCAPES }] });
    if (path.startsWith('/accounts/')) return json(res, 200, { balance: ESCAPES, available: ESCAPES, next_nonce: 0 });
    if (path === '/transactions/new') return json(res, 201, { message: `sent ${ESCAPES}` });
    if (path === '/lab/snapshot') return json(res, 200, { length: 1, chain: [{ note: `raw C1 ${'\u0085\u009b'}2J` }], pending: [] });
    return json(res, 400, { error: `refused ${ESCAPES}${'x'.repeat(900 * 1024)}` });
  });

describe('chainlab, against a node that sends terminal escapes', () => {
  it('status, chain, mine and send print none of them', async () => {
    await using node = await hostileNode('open');
    const url = `http://${node.address}`;
    for (const argv of [
      ['status', '--nodes', url],
      ['chain', '--node', url],
      ['mine', '--node', url],
      ['send', '--node', url, '--from', 'a', '--to', 'b', '--amount', '1'],
    ]) {
      const { code, stdout, stderr } = await chainlab(...argv);
      expect({ argv, code, stderr }).toEqual({ argv, code: 0, stderr: '' });
      expect(stdout).not.toMatch(TERMINAL_CONTROLS);
      expect(stdout.trim()).not.toBe('');
    }
    expect((await chainlab('send', '--node', url, '--from', 'a', '--to', 'b', '--amount', '1')).stdout).toMatch(/^sent \?\]0;PWNED\?/);
  });

  it('--json prints them as \\u escapes, the same JSON value', async () => {
    await using node = await hostileNode('open');
    const url = `http://${node.address}`;
    for (const argv of [
      ['status', '--nodes', url, '--json'],
      ['chain', '--node', url, '--json'],
      ['mine', '--node', url, '--json'],
    ]) {
      const { code, stdout } = await chainlab(...argv);
      expect({ argv, code }).toEqual({ argv, code: 0 });
      expect(stdout).not.toMatch(TERMINAL_CONTROLS);
      expect(stdout).toContain('\\u009b2J');
      expect(JSON.stringify(JSON.parse(stdout))).toContain(ESCAPES.slice(-3));
    }
  });

  it('wallet balance and wallet send print none of them', async () => {
    await using node = await hostileNode('signed');
    const url = `http://${node.address}`;
    expect((await chainlab('wallet', 'new', 'alice')).code).toBe(0);
    for (const argv of [
      ['wallet', 'balance', 'alice', '--node', url],
      ['wallet', 'send', '--node', url, '--from', 'alice', '--to', 'alice', '--amount', '1'],
      ['send', '--node', url, '--from', 'alice', '--to', 'alice', '--amount', '1'],
    ]) {
      const { code, stdout, stderr } = await chainlab(...argv);
      expect({ argv, code, stderr }).toEqual({ argv, code: 0, stderr: '' });
      expect(stdout).not.toMatch(TERMINAL_CONTROLS);
    }
  });

  it("a refusal's reason goes to stderr on one line, without them, and bounded", async () => {
    await using node = await hostileNode('open');
    const { code, stdout, stderr } = await chainlab('lab', 'heal', '--node', `http://${node.address}`);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(/^chainlab: refused \?\]0;PWNED\?\?\[2J\?\[31mFAKE\?\?/);
    expect(stderr).not.toMatch(TERMINAL_CONTROLS);
    expect(stderr.indexOf('\n')).toBe(stderr.length - 1);
    expect(stderr.length).toBeLessThanOrEqual(2000 + 'chainlab: \n'.length);
  });

  it('lab snapshot to stdout escapes C1 controls and keeps the JSON value', async () => {
    await using node = await hostileNode('open');
    const { code, stdout } = await chainlab('lab', 'snapshot', '--node', `http://${node.address}`);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/[\u0080-\u009f]/);
    expect(stdout).toContain('\\u0085\\u009b2J');
    expect(JSON.parse(stdout)).toEqual({ length: 1, chain: [{ note: 'raw C1 \u0085\u009b2J' }], pending: [] });
  });
});

describe('chainlab watch, against a node that redirects', () => {
  it('exits 1 rather than follow a 307 to another server', async () => {
    let asked = 0;
    await using elsewhere = await startFakePeer((_, res) => {
      asked += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end('event: snapshot\ndata: {}\n\n');
    });
    await using redirecting = await startFakePeer((_, res) => res.writeHead(307, { location: `http://${elsewhere.address}/events` }).end());
    const { code, stdout, stderr } = await chainlab('watch', '--node', `http://${redirecting.address}`, '--limit', '1');
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain(`GET http://${redirecting.address}/events: `);
    expect(asked).toBe(0);
  });
});

describe('chainlab lab restore, given what is not a plain file', () => {
  it('refuses a FIFO instead of waiting on it for a writer', async () => {
    const fifo = join(dir, 'snapshot.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await chainlab('lab', 'restore', fifo, '--node', 'http://127.0.0.1:9')).toEqual({
      code: 1,
      stdout: '',
      stderr: `chainlab: ${fifo} is not a file\n`,
    });
  });
});

describe('CHAINLAB_NODES', () => {
  it('is what status asks without --nodes; a bad value exits 1 naming it', async () => {
    await using node = await hostileNode('open');
    const url = `http://${node.address}`;
    const asked = await startCli(wallets(), ['status', '--json'], { env: { CHAINLAB_NODES: `${url}, ${url}` } }).exited;
    expect(asked.code).toBe(0);
    expect(JSON.parse(asked.stdout).map((s: { node: string }) => s.node)).toEqual([url, url]);

    const bad = await startCli(wallets(), ['status'], { env: { CHAINLAB_NODES: 'localhost:5000' } }).exited;
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/^chainlab: CHAINLAB_NODES: the node must be an http:\/\/ or https:\/\/ URL/);

    const tooMany = Array.from({ length: 33 }, () => url).join(',');
    const many = await startCli(wallets(), ['status'], { env: { CHAINLAB_NODES: tooMany } }).exited;
    expect(many.stderr).toMatch(/^chainlab: CHAINLAB_NODES: at most 32 nodes/);
  });
});
