#!/usr/bin/env node
import { createInterface, type Interface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import { printable } from './colour.ts';
import { Refused, type CliIo } from './commands/common.ts';
import { registerLab } from './commands/lab.ts';
import { registerNetwork } from './commands/network.ts';
import { registerWatch } from './commands/watch.ts';
import { registerWallet } from './commands/wallet.ts';
import { lessonCommand } from '../lessons/command.ts';

/**
 * `chainlab`: `wallet` (the keys of TX_RULE=signed), `status`, `chain`, `mine`, `send`, `watch`,
 * `lab` and `lesson`, each group in its file under commands/. Exit codes: 0 done, 1 refused (by the
 * node, or a wallet that exists or is missing, or a node that does not answer), 2 a usage error.
 */
export type { CliIo };

const MAX_REASON_CHARS = 2000;

const HELP_AFTER = `
Every command that asks a node takes --node <url> (status: --nodes <url,...>) and --json, for scripts.
Colour when stdout is a terminal (not with NO_COLOR or TERM=dumb); progress on stderr when it is one.
Exit codes: 0 done, 1 refused (the node's reason, or why it did not answer, on stderr), 2 a usage error.
Run chainlab <command> --help for a command's options.`;

/** The program, writing to `io`; separate from run() so each run gets fresh option values. */
function program(io: CliIo): Command {
  const root = new Command('chainlab')
    .description(
      'The chainlab command: look at a network of chainlab nodes (status, chain, watch), drive it (mine, send), ' +
        'break it in the lab (lab ...), run lessons on it (lesson ...), and keep wallets for TX_RULE=signed (wallet ...).',
    )
    .addHelpText('after', HELP_AFTER);
  registerWallet(root, io);
  registerNetwork(root, io);
  registerWatch(root, io);
  registerLab(root, io);
  root.addCommand(lessonCommand(io));

  // Usage errors throw instead of exiting, so run() decides the code and tests stay in-process.
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).showHelpAfterError('(add --help for usage)');
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
      // The reason often carries a node's own text: one line, no escape sequences, bounded.
      io.stderr(`chainlab: ${printable(error.message, MAX_REASON_CHARS)}\n`);
      return 1;
    }
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander has printed why
    throw error;
  }
}

/**
 * One line from stdin at a time. The reader is made on the first call only, and closed by close():
 * a reader holds stdin open, which would keep every plain run from exiting.
 */
function stdinLines(): { readLine: () => Promise<string | undefined>; close: () => void } {
  let reader: Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  return {
    async readLine() {
      reader ??= createInterface({ input: process.stdin, crlfDelay: Infinity });
      lines ??= reader[Symbol.asyncIterator]();
      const next = await lines.next();
      return next.done === true ? undefined : next.value;
    },
    close: () => reader?.close(),
  };
}

if (require.main === module) {
  const stdin = stdinLines();
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    colour: process.stdout.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
    progress: process.stderr.isTTY === true,
    readLine: stdin.readLine,
  };
  void run(process.argv.slice(2), io)
    .then((code) => {
      process.exitCode = code;
    })
    .finally(stdin.close);
}
