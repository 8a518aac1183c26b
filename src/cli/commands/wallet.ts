import type { Command } from 'commander';
import { ADDRESS } from '../../chain/signed-rules.ts';
import { printable } from '../colour.ts';
import { requestNode, type NodeAnswer } from '../node-client.ts';
import { createWallet, loadWallet, signTransfer, walletDir, type Wallet } from '../wallets.ts';
import { DEFAULT_NODE, nodeUrl, positiveAmount, printer, Refused, valueOf, type CliIo } from './common.ts';

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

/** The --wallets option, shared by every command that reads keys. */
export const withWallets = (command: Command): Command =>
  command.option('--wallets <dir>', 'where the keys are (default: $CHAINLAB_WALLETS or ~/.chainlab/wallets)');

/** An account's `next_nonce` (GET /accounts/:address), if the node gave a whole number. */
export function nextNonceIn(account: unknown): number | undefined {
  const nonce = (account as { next_nonce?: unknown } | null)?.next_nonce;
  return typeof nonce === 'number' && Number.isSafeInteger(nonce) ? nonce : undefined;
}

/** Signs a payment from wallet `from` (in `dir`) to a wallet name or address, with the node's next nonce, and sends it. */
export async function sendSigned(
  node: string,
  dir: string,
  { from, to, amount }: { from: string; to: string; amount: number },
): Promise<NodeAnswer> {
  const payer = valueOf(loadWallet(dir, from));
  const recipient = ADDRESS.test(to) ? to : valueOf(loadWallet(dir, to)).address;
  const account = valueOf(await requestNode(node, 'GET', `/accounts/${payer.address}`));
  const nonce = nextNonceIn(account.body);
  if (nonce === undefined) throw new Refused(`${node} gave no next_nonce for ${payer.address}`);
  const fields = { amount, nonce, recipient, sender: payer.address };
  const signature = signTransfer(payer.key, fields);
  return valueOf(await requestNode(node, 'POST', '/transactions/new', { ...fields, signature }));
}

/** `chainlab wallet new|address|balance|send`: the keys of TX_RULE=signed. */
export function registerWallet(root: Command, io: CliIo): void {
  const dirOf = (options: WalletOptions) => walletDir(options.wallets, io.env);
  const print = printer(io);
  const showWallet = (options: WalletOptions, { name, address }: Wallet, line: string) => print(options, { name, address }, line);

  const wallet = root.command('wallet').description('make keys, read balances, send signed transactions');
  const withJson = (command: Command) => withWallets(command).option('--json', 'print JSON');
  const withNode = (command: Command) => withJson(command).option('--node <url>', 'the node to ask', nodeUrl, DEFAULT_NODE);

  withJson(wallet.command('new <name>').description('make a key and save it as <name> (never replaces one)')).action(
    (name: string, options: WalletOptions) => {
      const made = valueOf(createWallet(dirOf(options), name));
      showWallet(options, made, made.address);
    },
  );

  withJson(wallet.command('address <name>').description("print the wallet's address")).action((name: string, options: WalletOptions) => {
    const found = valueOf(loadWallet(dirOf(options), name));
    showWallet(options, found, found.address);
  });

  withNode(wallet.command('balance <name>').description("ask the node for the wallet's account")).action(
    async (name: string, options: NodeOptions) => {
      const { address } = valueOf(loadWallet(dirOf(options), name));
      const answer = valueOf(await requestNode(options.node, 'GET', `/accounts/${address}`));
      const { balance, available, next_nonce } = answer.body as Record<string, unknown>;
      print(
        options,
        answer.body,
        `${printable(balance, 30)} (available ${printable(available, 30)}, next nonce ${printable(next_nonce, 30)})`,
      );
    },
  );

  withNode(wallet.command('send').description('sign a payment and send it to the node'))
    .requiredOption('--from <name>', 'the paying wallet')
    .requiredOption('--to <name-or-address>', "a wallet's name or a 64-hex-digit address")
    .requiredOption('--amount <x>', 'how many coins', positiveAmount)
    .action(async (options: SendOptions) => {
      const answer = await sendSigned(options.node, dirOf(options), options);
      const { message } = answer.body as { message?: unknown };
      print(options, answer.body, printable(typeof message === 'string' ? message : answer.text, 4000));
    });
}
