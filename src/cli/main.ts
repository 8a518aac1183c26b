#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ADDRESS } from '../chain/signed-rules.ts';
import type { Verdict } from '../chain/validate.ts';
import { requestNode } from './node-client.ts';
import { createWallet, loadWallet, signTransfer, walletDir, type Wallet } from './wallets.ts';

/**
 * `chainlab`, the wallet of TX_RULE=signed: `wallet new|address|balance|send`. Exit codes: 0 done,
 * 1 refused (by the node, or a wallet that exists or is missing), 2 a usage error.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
}

const DEFAULT_NODE = 'http://localhost:5000';

interface WalletOptions {
  wallets?: string;
  json?: boolean;
}
interface NodeOptions extends WalletOptions {
  node: string;
}
interface SendOptions extends NodeOptions {
  from: string;
  to: string;
  amount: number;
}

/** A failure the user can act on: its reason goes to stderr and the exit code is 1. */
class Refused extends Error {}

function valueOf<T>(verdict: Verdict<T>): T {
  if (!verdict.ok) throw new Refused(verdict.reason);
  return verdict.value;
}

function positiveAmount(text: string): number {
  const amount = Number(text);
  if (text.trim() === '' || !Number.isFinite(amount) || amount <= 0)
    throw new InvalidArgumentError('the amount must be a finite number > 0, as in 5 or 2.5');
  return amount;
}

function nodeUrl(text: string): string {
  if (!/^https?:\/\/[^\s/]+/.test(text))
    throw new InvalidArgumentError('the node must be an http:// or https:// URL, as in http://localhost:5000');
  return text;
}

/** The program, writing to `io`; separate from run() so each run gets fresh option values. */
function program(io: CliIo): Command {
  const out = (text: string) => io.stdout(`${text}\n`);
  const dirOf = (options: WalletOptions) => walletDir(options.wallets, io.env);
  const print = (options: WalletOptions, json: unknown, line: string) => out(options.json === true ? JSON.stringify(json) : line);
  const showWallet = (options: WalletOptions, { name, address }: Wallet, line: string) => print(options, { name, address }, line);

  const root = new Command('chainlab').description('The chainlab wallet: Ed25519 keys for a TX_RULE=signed network.');
  const wallet = root.command('wallet').description('make keys, read balances, send signed transactions');
  const withWallets = (command: Command) =>
    command
      .option('--wallets <dir>', 'where the keys are (default: $CHAINLAB_WALLETS or ~/.chainlab/wallets)')
      .option('--json', 'print JSON');
  const withNode = (command: Command) => withWallets(command).option('--node <url>', 'the node to ask', nodeUrl, DEFAULT_NODE);

  withWallets(wallet.command('new <name>').description('make a key and save it as <name> (never replaces one)')).action(
    (name: string, options: WalletOptions) => {
      const made = valueOf(createWallet(dirOf(options), name));
      showWallet(options, made, made.address);
    },
  );

  withWallets(wallet.command('address <name>').description("print the wallet's address")).action((name: string, options: WalletOptions) => {
    const found = valueOf(loadWallet(dirOf(options), name));
    showWallet(options, found, found.address);
  });

  withNode(wallet.command('balance <name>').description("ask the node for the wallet's account")).action(
    async (name: string, options: NodeOptions) => {
      const { address } = valueOf(loadWallet(dirOf(options), name));
      const answer = valueOf(await requestNode(options.node, 'GET', `/accounts/${address}`));
      const { balance, available, next_nonce } = answer.body as Record<string, unknown>;
      print(options, answer.body, `${String(balance)} (available ${String(available)}, next nonce ${String(next_nonce)})`);
    },
  );

  withNode(wallet.command('send').description('sign a payment and send it to the node'))
    .requiredOption('--from <name>', 'the paying wallet')
    .requiredOption('--to <name-or-address>', "a wallet's name or a 64-hex-digit address")
    .requiredOption('--amount <x>', 'how many coins', positiveAmount)
    .action(async (options: SendOptions) => {
      const from = valueOf(loadWallet(dirOf(options), options.from));
      const recipient = ADDRESS.test(options.to) ? options.to : valueOf(loadWallet(dirOf(options), options.to)).address;
      const account = valueOf(await requestNode(options.node, 'GET', `/accounts/${from.address}`));
      const nonce = (account.body as { next_nonce?: unknown }).next_nonce;
      if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce))
        throw new Refused(`${options.node} gave no next_nonce for ${from.address}`);
      const fields = { amount: options.amount, nonce, recipient, sender: from.address };
      const signature = signTransfer(from.key, fields);
      const answer = valueOf(await requestNode(options.node, 'POST', '/transactions/new', { ...fields, signature }));
      const { message } = answer.body as { message?: unknown };
      print(options, answer.body, typeof message === 'string' ? message : answer.text);
    });

  // Usage errors throw instead of exiting, so run() decides the code and tests stay in-process.
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    command.commands.forEach(quiet);
  };
  quiet(root);
  return root;
}

/** Runs the CLI on `argv` (without node and the script) and answers the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    await program(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof Refused) {
      io.stderr(`chainlab: ${error.message}\n`);
      return 1;
    }
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander has printed why
    throw error;
  }
}

if (require.main === module) {
  const io: CliIo = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env };
  void run(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
