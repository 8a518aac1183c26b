import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { expectMatchesContract } from '../support/contract.ts';
import { call, startTestNode, type TestNode } from '../support/nodes.ts';

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
    expect(lines[0]).toMatch(/length 1, .*peers 0\/0 reachable, pending 1$/);

    const json = await chainlab('status', '--nodes', `${open.url},${other.url}`, '--json');
    const [first] = JSON.parse(json.stdout);
    expect(first.node).toBe(open.url);
    expectMatchesContract('GET', '/health', 200, first.health);
    expectMatchesContract('GET', '/transactions/pending', 200, first.pending);
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

describe('chainlab lab', () => {
  it("exits 1 with the node's reason for a block out of range, and changes nothing", async () => {
    const tampered = await chainlab('lab', 'tamper', '--index', '99', '--node', open.url);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('index 99 is past the tip');
    expect(tampered.stdout).toBe('');
    expect((await call(`${open.url}/chain/verify`)).body.valid).toBe(true);
  });

  it('rewrites a block, so the chain no longer verifies', async () => {
    // Block 2 must not be the tip: rewriting the tip breaks no link.
    expect((await chainlab('mine', '--count', '2', '--node', open.url)).code).toBe(0);
    const tampered = await chainlab('lab', 'tamper', '--index', '2', '--amount', '500', '--node', open.url, '--json');
    expect(tampered).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(tampered.stdout);
    expectMatchesContract('POST', '/lab/tamper', 200, body);
    expect(body.valid).toBe(false);
    expect((await call(`${open.url}/chain`)).body.chain[1].transactions[0].amount).toBe(500);
  });

  it('heals, and refuses a partition naming nodes it does not know', async () => {
    const healed = await chainlab('lab', 'heal', '--node', open.url, '--json');
    expect(healed.code).toBe(0);
    expectMatchesContract('POST', '/lab/heal', 200, JSON.parse(healed.stdout));
    const split = await chainlab('lab', 'partition', 'ghost1/ghost2', '--node', open.url);
    expect(split.code).toBe(1);
    expect(split.stderr).toMatch(/^chainlab: .+/);
  });

  it('is refused by a node without the lab', async () => {
    expect((await chainlab('lab', 'heal', '--node', other.url)).code).toBe(1);
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
  ])('%j exits 2 with a message', async (argv) => {
    const wrong = await chainlab(...argv);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).not.toBe('');
  });
});
