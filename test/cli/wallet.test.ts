import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { call, startTestNode, type TestNode } from '../support/nodes.ts';

/** One run of the CLI, in-process, with what it wrote. */
const chainlab = (...argv: string[]) => runCli(wallets, ...argv);

let root: string;
let wallets: string;
let node: TestNode;
let alice: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'chainlab-cli-'));
  wallets = join(root, 'wallets'); // not there yet: `new` makes it
  const made = await chainlab('wallet', 'new', 'alice');
  expect(made).toMatchObject({ code: 0, stderr: '' });
  alice = made.stdout.trim();
  node = await startTestNode({ TX_RULE: 'signed', MINER_ADDRESS: alice, DIFFICULTY: '1' });
});

afterAll(async () => {
  await node?.close();
  rmSync(root, { recursive: true, force: true });
});

const mine = async () => expect((await call(`${node.url}/mine`)).status).toBe(200);

describe('chainlab wallet new', () => {
  it('writes the key to a file only its owner can read, in a directory only its owner can enter', () => {
    expect(statSync(wallets).mode & 0o777).toBe(0o700);
    expect(statSync(join(wallets, 'alice.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(wallets, 'alice.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('refuses to replace a wallet that exists, and keeps its key', async () => {
    const before = readFileSync(join(wallets, 'alice.pem'), 'utf8');
    const again = await chainlab('wallet', 'new', 'alice');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(join(wallets, 'alice.pem'), 'utf8')).toBe(before);
  });

  it('will not use a key others can read, a directory others can write, or a symlinked directory', async () => {
    const key = join(wallets, 'alice.pem');
    chmodSync(key, 0o644);
    expect(await chainlab('wallet', 'address', 'alice')).toMatchObject({ code: 1, stderr: expect.stringContaining('open to others') });
    chmodSync(key, 0o600);
    chmodSync(wallets, 0o777);
    expect(await chainlab('wallet', 'address', 'alice')).toMatchObject({ code: 1, stderr: expect.stringContaining('open to others') });
    chmodSync(wallets, 0o700);
    const shared = join(root, 'shared');
    mkdirSync(shared, { mode: 0o700 });
    symlinkSync(shared, join(root, 'link'));
    const linked = await chainlab('wallet', 'new', 'bob', '--wallets', join(root, 'link'));
    expect(linked).toMatchObject({ code: 1, stderr: expect.stringContaining('not a plain directory') });
    expect(await chainlab('wallet', 'address', 'alice')).toMatchObject({ code: 0 });
  });

  it('refuses a name that is not a plain file name, with the reason', async () => {
    for (const name of ['../escape', 'Alice', 'a'.repeat(33), '']) {
      const made = await chainlab('wallet', 'new', name);
      expect(made.code).toBe(1);
      expect(made.stderr).toContain('bad wallet name');
    }
  });

  it('prints {name, address} with --json, to the directory --wallets names', async () => {
    const other = join(root, 'other');
    const made = await chainlab('wallet', 'new', 'carol', '--wallets', other, '--json');
    expect(made.code).toBe(0);
    const shown = JSON.parse(made.stdout);
    expect(shown).toEqual({ name: 'carol', address: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(statSync(join(other, 'carol.pem')).isFile()).toBe(true);
  });
});

describe('chainlab wallet address and balance', () => {
  it('prints the address the wallet was made with: 64 hex digits', async () => {
    expect(alice).toMatch(/^[0-9a-f]{64}$/);
    expect(await chainlab('wallet', 'address', 'alice')).toEqual({ code: 0, stdout: `${alice}\n`, stderr: '' });
  });

  it('fails for a wallet that does not exist, saying how to make one', async () => {
    const missing = await chainlab('wallet', 'address', 'nobody');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('chainlab wallet new nobody');
  });

  it("--json prints the node's /accounts answer", async () => {
    await mine();
    const shown = await chainlab('wallet', 'balance', 'alice', '--node', node.url, '--json');
    expect(shown.code).toBe(0);
    const account = await call(`${node.url}/accounts/${alice}`);
    expect(JSON.parse(shown.stdout)).toEqual(account.body);
    expect(account.body.balance).toBeGreaterThanOrEqual(1);
  });
});

describe('chainlab wallet send', () => {
  it('moves coins: the recipient has them once a block is mined', async () => {
    expect((await chainlab('wallet', 'new', 'bob')).code).toBe(0);
    const bob = (await chainlab('wallet', 'address', 'bob')).stdout.trim();
    await mine();
    const sent = await chainlab('wallet', 'send', '--from', 'alice', '--to', 'bob', '--amount', '1.5', '--node', node.url);
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    const pending = await call(`${node.url}/accounts/${alice}`);
    expect(pending.body.next_nonce).toBe(2);
    await mine();
    expect((await call(`${node.url}/accounts/${bob}`)).body.balance).toBe(1.5);

    // A second payment, to the address itself, takes the next nonce from the node.
    const again = await chainlab('wallet', 'send', '--from', 'alice', '--to', bob, '--amount', '1', '--node', node.url, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: expect.any(String) });
    await mine();
    expect((await call(`${node.url}/accounts/${bob}`)).body.balance).toBe(2.5);
  });

  it("exits 1 with the node's reason when the wallet cannot cover the amount", async () => {
    const over = await chainlab('wallet', 'send', '--from', 'alice', '--to', 'bob', '--amount', '1000000', '--node', node.url);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('insufficient funds');
    expect(over.stdout).toBe('');
  });

  it('exits 1 naming the request when no node answers', async () => {
    const down = await chainlab('wallet', 'balance', 'alice', '--node', 'http://127.0.0.1:9');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('GET http://127.0.0.1:9/accounts/');
  });
});

describe('usage errors', () => {
  it.each([
    [['wallet', 'frobnicate']],
    [['nonsense']],
    [['wallet', 'send', '--from', 'alice', '--to', 'bob']],
    [['wallet', 'send', '--from', 'alice', '--to', 'bob', '--amount', '-3']],
    [['wallet', 'balance', 'alice', '--node', 'localhost:5000']],
  ])('%j exits 2 with a message', async (argv) => {
    const wrong = await chainlab(...argv);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).not.toBe('');
  });

  it('--help prints the commands and exits 0', async () => {
    const help = await chainlab('wallet', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/new.*\n.*address.*\n.*balance.*\n.*send/s);
  });
});
