import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProgress } from '../../src/cli/progress.ts';
import { runCli, startCli } from '../support/cli.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { call, startFakePeer, startTestNode, type TestNode } from '../support/nodes.ts';

/** One run of the CLI, in-process, with what it wrote. */
const chainlab = (...argv: string[]) => runCli(wallets, ...argv);

const NOBODY = 'http://127.0.0.1:9'; // the discard port: nothing answers there
let wallets: string;
let open: TestNode;
let other: TestNode;

beforeAll(async () => {
  wallets = join(mkdtempSync(join(tmpdir(), 'chainlab-commands-')), 'wallets');
  open = await startTestNode({ DIFFICULTY: '1', LAB: 'on' });
  other = await startTestNode({ DIFFICULTY: '1' });
});

afterAll(async () => {
  await open?.close();
  await other?.close();
  rmSync(join(wallets, '..'), { recursive: true, force: true });
});

describe('chainlab status', () => {
  it("prints a line per node with its id, length and pending count, and --json holds the nodes' bodies", async () => {
    await call(`${open.url}/transactions/new`, { json: { sender: 'a', recipient: 'b', amount: 1 } });
    const shown = await chainlab('status', '--nodes', `${open.url},${other.url}`);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    const lines = shown.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const health = (await call(`${open.url}/health`)).body;
    expect(lines[0]).toContain(health.node_id);
    expect(lines[0]).toMatch(/length 1, .*peers 0\/0 reachable, pending 1, no faults, mining manual$/);
    expect(lines[1]).toMatch(/, lab off$/); // its GET /lab is a 404
    expect(shown.stdout).not.toContain('\x1b');

    const json = await chainlab('status', '--nodes', `${open.url},${other.url}`, '--json');
    const [first, second] = JSON.parse(json.stdout);
    expect(first.node).toBe(open.url);
    expectMatchesContract('GET', '/health', 200, first.health);
    expectMatchesContract('GET', '/transactions/pending', 200, first.pending);
    expectMatchesContract('GET', '/lab', 200, first.lab);
    expect(second.lab).toBeNull();
  });

  it('paints with colour only when told to: an unreachable node in red', async () => {
    const painted = await startCli(wallets, ['status', '--nodes', `${other.url},${NOBODY}`], { colour: true }).exited;
    expect(painted.stdout).toContain('\x1b[31munreachable\x1b[39m');
    expect(painted.stdout).toContain('\x1b[1m'); // the node's id, bold
    expect((await chainlab('status', '--nodes', `${other.url},${NOBODY}`)).stdout).not.toContain('\x1b');
  });

  it('says which node does not answer, and exits 1', async () => {
    const shown = await chainlab('status', '--nodes', `${other.url},${NOBODY}`);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain(`${NOBODY}: unreachable: GET ${NOBODY}/health`);
    expect(shown.stdout.trim().split('\n')).toHaveLength(2);
    expect(shown.stderr).toContain('1 of 2 nodes did not answer');
  });
});

describe('chainlab mine and chain', () => {
  it("mines --count blocks, each --json line GET /mine's body, and chain --json is GET /chain's body", async () => {
    const before = (await call(`${other.url}/chain`)).body.length;
    const mined = await chainlab('mine', '--count', '2', '--node', other.url, '--json');
    expect(mined).toMatchObject({ code: 0, stderr: '' });
    const blocks = mined.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(blocks.map((b) => b.index)).toEqual([before + 1, before + 2]);
    for (const block of blocks) expectMatchesContract('GET', '/mine', 200, block);

    const chain = await chainlab('chain', '--node', other.url, '--json');
    const body = JSON.parse(chain.stdout);
    expectMatchesContract('GET', '/chain', 200, body);
    expect(body).toEqual((await call(`${other.url}/chain`)).body);
    const last = await chainlab('chain', '--node', other.url, '--last', '1', '--json');
    expect(JSON.parse(last.stdout)).toEqual([body.chain.at(-1)]);
    expect((await chainlab('chain', '--node', other.url)).stdout.trim().split('\n')).toHaveLength(before + 2);
  });

  it('exits 1 naming the request when the node does not answer', async () => {
    expect(await chainlab('mine', '--node', NOBODY)).toMatchObject({ code: 1, stderr: expect.stringContaining(`GET ${NOBODY}/mine`) });
  });

  it('shows its progress on stderr when told to, and nothing there otherwise', async () => {
    const shown = await startCli(wallets, ['mine', '--count', '2', '--node', other.url], { progress: true }).exited;
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain('\r\x1b[2Kmining block 1 of 2…');
    expect(shown.stderr).toContain('\r\x1b[2Kmining block 2 of 2…');
    expect(shown.stderr.endsWith('\r\x1b[2K')).toBe(true); // cleared before the CLI ends
    expect(shown.stdout).not.toContain('\x1b');
    expect(await chainlab('mine', '--count', '2', '--node', other.url)).toMatchObject({ code: 0, stderr: '' });
  });

  it('takes a chain longer than 1 MiB, while other answers stay bounded at 1 MiB', async () => {
    const big = JSON.stringify({
      length: 1,
      chain: [{ index: 1, proof: 1, previous_hash: '1', transactions: [], note: 'x'.repeat(2 ** 21) }],
    });
    await using node = await startFakePeer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(big));
    const chain = await chainlab('chain', '--node', `http://${node.address}`);
    expect(chain).toMatchObject({ code: 0, stdout: '1: proof 1, 0 transactions, previous 1\n' });
    const mined = await chainlab('mine', '--node', `http://${node.address}`);
    expect(mined).toMatchObject({ code: 1, stderr: expect.stringContaining('answer longer than 1048576 bytes') });
  });
});

describe('createProgress', () => {
  it('rewrites one line of stderr and clears it when done, only when io.progress is true', () => {
    let stderr = '';
    const progress = createProgress({ progress: true, stderr: (text) => (stderr += text) });
    progress.done(); // nothing shown yet: nothing to clear
    progress.update('a');
    progress.update('b');
    progress.done();
    expect(stderr).toBe('\r\x1b[2Ka\r\x1b[2Kb\r\x1b[2K');
    const quiet = createProgress({ stderr: (text) => (stderr += `!${text}`) });
    quiet.update('c');
    quiet.done();
    expect(stderr).not.toContain('!');
  });
});

describe('chainlab send', () => {
  it('under TX_RULE=open, posts the plain transaction', async () => {
    const sent = await chainlab('send', '--from', 'alice', '--to', 'bob', '--amount', '2', '--node', other.url, '--json');
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expectMatchesContract('POST', '/transactions/new', 201, JSON.parse(sent.stdout));
    const pending = (await call(`${other.url}/transactions/pending`)).body.transactions;
    expect(pending).toContainEqual(expect.objectContaining({ sender: 'alice', recipient: 'bob', amount: 2 }));
  });

  it("under TX_RULE=signed, signs with --from's wallet", async () => {
    const alice = (await chainlab('wallet', 'new', 'alice')).stdout.trim();
    expect((await chainlab('wallet', 'new', 'bob')).code).toBe(0);
    await using signed = await startTestNode({ TX_RULE: 'signed', MINER_ADDRESS: alice, DIFFICULTY: '1' });
    expect((await chainlab('mine', '--node', signed.url)).code).toBe(0);
    const sent = await chainlab('send', '--from', 'alice', '--to', 'bob', '--amount', '0.5', '--node', signed.url);
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expect((await call(`${signed.url}/accounts/${alice}`)).body.next_nonce).toBe(2);
    // Under signed, --from names a wallet; a plain sender's name is not one.
    const missing = await chainlab('send', '--from', 'nobody', '--to', 'bob', '--amount', '1', '--node', signed.url);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('no wallet "nobody"') });
  });
});

describe('usage errors', () => {
  it.each([
    [['status', '--nodes', 'localhost:5000']],
    [['chain', '--last', 'x']],
    [['mine', '--count', '0']],
    [['send', '--from', 'a', '--to', 'b']],
    [['lab', 'tamper']],
    [['lab', 'partition', 'node1,,node2']],
    [['lab', 'delay', 'node2', 'abc']],
    [['lab', 'delay', 'node2', '60001']],
    [['lab', 'delay', 'node2', '10', '--loss', '2']],
    [['lab', 'mining', 'sometimes']],
    [['lab', 'mining', 'interval']],
    [['lab', 'mining', 'manual', '--seconds', '5']],
    [['lab', 'restore']],
    [['watch', '--limit', '0']],
    [['nonsense']],
  ])('%j exits 2 with a message', async (argv) => {
    const wrong = await chainlab(...argv);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/error: .+\n\(add --help for usage\)/);
  });

  it('--help lists every command, and exits 0', async () => {
    const help = await chainlab('--help');
    expect(help.code).toBe(0);
    for (const command of ['wallet', 'status', 'chain', 'mine', 'send', 'watch', 'lab', 'lesson'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(help.stdout).toContain('Exit codes: 0 done, 1 refused');
    const lab = await chainlab('lab', '--help');
    for (const command of ['tamper', 'heal', 'partition', 'delay', 'pause', 'resume', 'mining', 'snapshot', 'restore', 'reset'])
      expect(lab.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});
