import { InvalidArgumentError, type Command } from 'commander';
import { requestNode } from '../node-client.ts';
import { DEFAULT_NODE, nodeUrl, printer, valueOf, wholeFrom, type CliIo } from './common.ts';

const MAX_GROUPS_TEXT = 2000; // the node bounds names and groups too; this keeps a typo from being a megabyte

/** "node1,node2/node3" as the groups of POST /lab/partition: [["node1", "node2"], ["node3"]]. */
export function parseGroupsText(text: string): string[][] {
  if (text.length > MAX_GROUPS_TEXT) throw new InvalidArgumentError(`at most ${MAX_GROUPS_TEXT} characters`);
  const groups = text.split('/').map((group) => group.split(',').map((name) => name.trim()));
  if (groups.some((group) => group.some((name) => name === '')))
    throw new InvalidArgumentError('expected groups of names, as in "node1,node2/node3" (commas within a group, / between groups)');
  return groups;
}

function finiteNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('expected a finite number, as in 1000');
  return value;
}

interface LabOptions {
  node: string;
  json?: boolean;
}
type LabAnswer = { lab?: { groups?: unknown }; relayed?: { node?: unknown; ok?: unknown; reason?: unknown }[] };

/** How a partition or heal went: the groups now, and which peers took it. */
function labLine({ lab, relayed = [] }: LabAnswer): string {
  const groups = Array.isArray(lab?.groups) ? (lab.groups as string[][]).map((g) => g.join(',')).join(' / ') : 'none (healed)';
  const peers = relayed.map((r) => `${String(r.node)} ${r.ok === true ? 'ok' : `failed (${String(r.reason)})`}`);
  return `partition: ${groups}${peers.length > 0 ? `; relayed: ${peers.join(', ')}` : ''}`;
}

/** `chainlab lab tamper|heal|partition`: the lab's faults (LAB=on). A refusal exits 1 with the node's reason. */
export function registerLab(root: Command, io: CliIo): void {
  const print = printer(io);
  const lab = root.command('lab').description("a LAB=on node's faults: tamper with a block, partition the network, heal it");
  const withNode = (command: Command) =>
    command.option('--node <url>', 'the node to ask', nodeUrl, DEFAULT_NODE).option('--json', 'print JSON');

  withNode(lab.command('tamper').description("rewrite a transaction's amount in a block (POST /lab/tamper)"))
    .requiredOption('--index <n>', 'the block, from 1', wholeFrom(1))
    .option('--transaction <n>', "the transaction's position in the block, from 0", wholeFrom(0), 0)
    .option('--amount <x>', 'the new amount', finiteNumber, 1000)
    .option('--rehash', 'relink every later block to the rewritten one')
    .action(async (options: LabOptions & { index: number; transaction: number; amount: number; rehash?: boolean }) => {
      const { index, transaction, amount, rehash = false } = options;
      const { body } = valueOf(await requestNode(options.node, 'POST', '/lab/tamper', { index, transaction, amount, rehash }));
      const { message, valid } = body as { message?: unknown; valid?: unknown };
      print(options, body, `${String(message)}; the chain is ${valid === true ? 'still valid' : 'now invalid'}`);
    });

  withNode(lab.command('heal').description('end every partition (POST /lab/heal)')).action(async (options: LabOptions) => {
    const { body } = valueOf(await requestNode(options.node, 'POST', '/lab/heal'));
    print(options, body, labLine(body as LabAnswer));
  });

  withNode(
    lab
      .command('partition')
      .description('split the network into groups that cannot reach each other (POST /lab/partition)')
      .argument('<groups>', 'names of nodes, as in "node1,node2/node3"', parseGroupsText),
  ).action(async (groups: string[][], options: LabOptions) => {
    const { body } = valueOf(await requestNode(options.node, 'POST', '/lab/partition', { groups }));
    print(options, body, labLine(body as LabAnswer));
  });
}
