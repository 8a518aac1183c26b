#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { Refused, type CliIo } from './commands/common.ts';
import { registerLab } from './commands/lab.ts';
import { registerNetwork } from './commands/network.ts';
import { registerWallet } from './commands/wallet.ts';
import { lessonCommand } from '../lessons/command.ts';

/**
 * `chainlab`: `wallet` (the keys of TX_RULE=signed), `status`, `chain`, `mine`, `send` and `lab`,
 * each group in its file under commands/. Exit codes: 0 done, 1 refused (by the node, or a wallet
 * that exists or is missing, or a node that does not answer), 2 a usage error.
 */
export type { CliIo };

/** The program, writing to `io`; separate from run() so each run gets fresh option values. */
function program(io: CliIo): Command {
  const root = new Command('chainlab').description(
    'The chainlab command: a network of chainlab nodes, its lab, and wallets for TX_RULE=signed.',
  );
  registerWallet(root, io);
  registerNetwork(root, io);
  registerLab(root, io);
  root.addCommand(lessonCommand(io));

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
