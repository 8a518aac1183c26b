import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SNAPSHOT_FILE_BYTES } from '../../src/cli/commands/lab.ts';
import { runCli } from '../support/cli.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { mesh } from '../support/mesh.ts';
import { call, startFakePeer, startTestNode, type TestNode } from '../support/nodes.ts';

const chainlab = (...argv: string[]) => runCli(join(dir, 'wallets'), ...argv);

let dir: string;
let a: TestNode;
let b: TestNode;
let off: TestNode;
const bId = 'node-b';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chainlab-lab-'));
  // Gossip on, so that each learns the other's id (a link names its peer by id) and a reset reaches it.
  const env = (id: string) => ({ NODE_ID: id, DIFFICULTY: '1', LAB: 'on', GOSSIP: 'on', SYNC_INTERVAL_MS: '100' });
  a = await startTestNode(env('node-a'));
  b = await startTestNode(env('node-b'));
  off = await startTestNode({ DIFFICULTY: '1' });
  await mesh([a, b]);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await off?.close();
  rmSync(dir, { recursive: true, force: true });
});

const chainOf = async (node: TestNode) => (await call(`${node.url}/chain`)).body;

describe('chainlab lab tamper, heal, partition', () => {
  it("exits 1 with the node's reason for a block out of range of a 1-block chain, and changes nothing", async () => {
    expect((await chainOf(a)).length).toBe(1);
    const tampered = await chainlab('lab', 'tamper', '--index', '99', '--node', a.url);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('index 99 is past the tip');
    expect(tampered.stdout).toBe('');
    expect((await call(`${a.url}/chain/verify`)).body.valid).toBe(true);
  });

  it('rewrites a block, so the chain no longer verifies', async () => {
    await using node = await startTestNode({ DIFFICULTY: '1', LAB: 'on' });
    // Block 2 must not be the tip: rewriting the tip breaks no link.
    expect((await chainlab('mine', '--count', '2', '--node', node.url)).code).toBe(0);
    const tampered = await chainlab('lab', 'tamper', '--index', '2', '--amount', '500', '--node', node.url, '--json');
    expect(tampered).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(tampered.stdout);
    expectMatchesContract('POST', '/lab/tamper', 200, body);
    expect(body.valid).toBe(false);
    expect((await chainOf(node)).chain[1].transactions[0].amount).toBe(500);
  });

  it('heals, and refuses a partition naming nodes it does not know', async () => {
    const healed = await chainlab('lab', 'heal', '--node', a.url, '--json');
    expect(healed.code).toBe(0);
    expectMatchesContract('POST', '/lab/heal', 200, JSON.parse(healed.stdout));
    const split = await chainlab('lab', 'partition', 'ghost1/ghost2', '--node', a.url);
    expect(split.code).toBe(1);
    expect(split.stderr).toMatch(/^chainlab: groups\[0\]: 'ghost1' names neither this node nor any of its peers/);
  });

  it('is refused by a node without the lab', async () => {
    expect((await chainlab('lab', 'heal', '--node', off.url)).code).toBe(1);
    expect((await chainlab('lab', 'pause', '--node', off.url)).code).toBe(1);
  });
});

describe('chainlab lab delay, pause, resume, mining', () => {
  it('sets and removes a slow link to a peer, which status shows', async () => {
    const slowed = await chainlab('lab', 'delay', bId, '300', '--loss', '0.2', '--node', a.url);
    expect(slowed).toEqual({ code: 0, stdout: `faults: links ${bId} 300 ms, loss 0.2, mining manual\n`, stderr: '' });
    const status = await chainlab('status', '--nodes', a.url);
    expect(status.stdout).toMatch(new RegExp(`pending 0, faults: links ${bId} 300 ms, loss 0.2, mining manual\n$`));
    const json = await chainlab('lab', 'delay', bId, '0', '--node', a.url, '--json');
    expectMatchesContract('POST', '/lab/links', 200, JSON.parse(json.stdout));
    expect(JSON.parse(json.stdout).links).toEqual([]);
  });

  it("refuses a link to a node that is not a peer, with the node's reason", async () => {
    const refused = await chainlab('lab', 'delay', 'ghost', '10', '--node', a.url);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toContain("peer 'ghost' names none of this node's peers");
  });

  it('pauses and resumes the node', async () => {
    const paused = await chainlab('lab', 'pause', '--node', a.url, '--json');
    expectMatchesContract('POST', '/lab/pause', 200, JSON.parse(paused.stdout));
    expect((await call(`${a.url}/lab`)).body.paused).toBe(true);
    expect((await chainlab('status', '--nodes', a.url)).stdout).toMatch(/faults: paused, mining manual\n$/);
    expect(await chainlab('lab', 'resume', '--node', a.url)).toEqual({ code: 0, stdout: 'no faults, mining manual\n', stderr: '' });
  });

  it('switches the mining mode, and back', async () => {
    const interval = await chainlab('lab', 'mining', 'interval', '--seconds', '3600', '--node', a.url);
    expect(interval).toEqual({ code: 0, stdout: 'Mining mode: interval, every 3600 s\n', stderr: '' });
    expect((await call(`${a.url}/lab`)).body.mining).toEqual({ mode: 'interval', seconds: 3600 });
    const manual = await chainlab('lab', 'mining', 'manual', '--node', a.url, '--json');
    expectMatchesContract('POST', '/lab/mining', 200, JSON.parse(manual.stdout));
    expect((await call(`${a.url}/lab`)).body.mining).toEqual({ mode: 'manual' });
    // Past the node's bound: its reason, exit 1.
    const tooLong = await chainlab('lab', 'mining', 'interval', '--seconds', '3601', '--node', a.url);
    expect(tooLong).toMatchObject({ code: 1, stderr: expect.stringContaining('seconds must be a whole number from 1 to 3600') });
  });
});

describe('chainlab lab snapshot, restore, reset', () => {
  it('writes a snapshot to stdout or to a new file, never over one, and restores it', async () => {
    await using node = await startTestNode({ DIFFICULTY: '1', LAB: 'on' });
    expect((await chainlab('mine', '--count', '2', '--node', node.url)).code).toBe(0);
    const shown = await chainlab('lab', 'snapshot', '--node', node.url);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(`${(await call(`${node.url}/lab/snapshot`)).text}\n`);
    expectMatchesContract('GET', '/lab/snapshot', 200, JSON.parse(shown.stdout));

    const file = join(dir, 'snapshot.json');
    const written = await chainlab('lab', 'snapshot', '--node', node.url, '--out', file);
    expect(written).toEqual({ code: 0, stdout: `Wrote 3 blocks and 0 pending transactions to ${file}\n`, stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(shown.stdout);
    writeFileSync(file, 'mine');
    const again = await chainlab('lab', 'snapshot', '--node', node.url, '--out', file, '--json');
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining(`${file} exists: lab snapshot never overwrites a file`) });
    expect(readFileSync(file, 'utf8')).toBe('mine');
    writeFileSync(join(dir, 'kept.json'), shown.stdout);

    const reset = await chainlab('lab', 'reset', '--this-node', '--node', node.url, '--json');
    expectMatchesContract('POST', '/lab/reset', 200, JSON.parse(reset.stdout));
    expect((await chainOf(node)).length).toBe(1);
    const restored = await chainlab('lab', 'restore', join(dir, 'kept.json'), '--node', node.url);
    expect(restored).toEqual({ code: 0, stdout: 'Restored 3 blocks and 0 pending transactions\n', stderr: '' });
    expect((await chainOf(node)).chain).toEqual(JSON.parse(shown.stdout).chain);
  });

  it('takes a snapshot longer than 1 MiB', async () => {
    const big = JSON.stringify({ chain: [], length: 1, pending: [{ note: 'x'.repeat(2 ** 21) }] });
    await using node = await startFakePeer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(big));
    const shown = await chainlab('lab', 'snapshot', '--node', `http://${node.address}`);
    expect(shown).toEqual({ code: 0, stdout: `${big}\n`, stderr: '' });
  });

  it('refuses a file too large, not JSON, not a file, or missing, before sending anything', async () => {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_SNAPSHOT_FILE_BYTES + 1); // sparse: no 64 MiB written
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'text.json'), 'not json');
    const cases: [string, string][] = [
      [huge, `${huge} is larger than ${MAX_SNAPSHOT_FILE_BYTES} bytes`],
      [join(dir, 'text.json'), 'text.json is not JSON'],
      [join(dir, 'folder'), 'folder is not a file'],
      [join(dir, 'missing.json'), 'cannot read'],
    ];
    const before = (await chainOf(a)).length;
    for (const [file, reason] of cases) {
      const refused = await chainlab('lab', 'restore', file, '--node', a.url);
      expect({ file, code: refused.code, reason: refused.stderr.includes(reason) }).toEqual({ file, code: 1, reason: true });
    }
    expect((await chainOf(a)).length).toBe(before);
  });

  it('resets the whole network by default, saying which peers took it', async () => {
    expect((await chainlab('mine', '--node', b.url)).code).toBe(0);
    const reset = await chainlab('lab', 'reset', '--node', a.url);
    expect(reset).toEqual({ code: 0, stdout: `Reset to the genesis block (network); relayed: ${b.address} ok\n`, stderr: '' });
    expect((await chainOf(a)).length).toBe(1);
    expect((await chainOf(b)).length).toBe(1);
  });
});
