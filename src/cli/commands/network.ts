import type { Command } from 'commander';
import { painter, printable, short, type Painter } from '../colour.ts';
import { LARGE_ANSWER_BYTES, requestNode } from '../node-client.ts';
import { createProgress } from '../progress.ts';
import { walletDir } from '../wallets.ts';
import {
  DEFAULT_NODE,
  defaultNodes,
  nodeList,
  nodeUrl,
  positiveAmount,
  printer,
  Refused,
  valueOf,
  wholeFrom,
  type CliIo,
} from './common.ts';
import { faultsLine } from './lab.ts';
import { sendSigned, withWallets } from './wallet.ts';

const MAX_MINE_COUNT = 100;
const MESSAGE_CHARS = 4000;

interface Json {
  json?: boolean;
}
type Health = { node_id?: unknown; length?: unknown; tip_hash?: unknown; peers?: unknown; peers_reachable?: unknown };

const count = (value: unknown) => (Array.isArray(value) ? value.length : '?');

/** One node's line of `chainlab status`, or why it has none: GET /health, /transactions/pending and /lab (a 404: the lab is off). */
async function nodeStatus(node: string, paint: Painter): Promise<{ node: string; ok: boolean; json: unknown; line: string }> {
  const [health, pending, lab] = await Promise.all([
    requestNode(node, 'GET', '/health'),
    requestNode(node, 'GET', '/transactions/pending'),
    requestNode(node, 'GET', '/lab', undefined, { answers: [404] }),
  ]);
  if (!health.ok || !pending.ok) {
    const reason = !health.ok ? health.reason : !pending.ok ? pending.reason : '';
    return { node, ok: false, json: { node, error: reason }, line: `${node}: ${paint.bad('unreachable')}: ${printable(reason, 500)}` };
  }
  const h = health.value.body as Health;
  const waiting = (pending.value.body as { length?: unknown }).length;
  const labOff = lab.ok && lab.value.status === 404;
  const faults = !lab.ok
    ? paint.bad(`faults unknown (${printable(lab.reason, 200)})`)
    : labOff
      ? paint.dim('lab off')
      : faultsLine(lab.value.body, paint);
  const line =
    `${paint.bold(printable(h.node_id, 64))} (${node}): length ${printable(h.length, 20)}, tip ${short(h.tip_hash)}, ` +
    `peers ${count(h.peers_reachable)}/${count(h.peers)} reachable, pending ${printable(waiting, 20)}, ${faults}`;
  const labJson = lab.ok && !labOff ? lab.value.body : null;
  return { node, ok: true, json: { node, health: health.value.body, pending: pending.value.body, lab: labJson }, line };
}

/** `chainlab status|chain|mine|send`: what a network of nodes holds, and the notebook's steps. */
export function registerNetwork(root: Command, io: CliIo): void {
  const print = printer(io);
  const withNode = (command: Command) =>
    command.option('--node <url>', 'the node to ask', nodeUrl, DEFAULT_NODE).option('--json', 'print JSON');

  root
    .command('status')
    .description('one line per node: its id, chain length and tip, peers reachable, pending transactions, lab faults')
    .option('--nodes <urls>', 'comma-separated node URLs (default: $CHAINLAB_NODES or localhost:5000-5002)', nodeList)
    .option('--json', 'print JSON: [{node, health, pending, lab} or {node, error}]; lab is null when the lab is off')
    .action(async (options: Json & { nodes?: string[] }) => {
      const paint = painter(io);
      const nodes = options.nodes ?? defaultNodes(io.env);
      const statuses = await Promise.all(nodes.map((node) => nodeStatus(node, paint)));
      print(
        options,
        statuses.map((s) => s.json),
        statuses.map((s) => s.line).join('\n'),
      );
      const down = statuses.filter((s) => !s.ok).length;
      if (down > 0) throw new Refused(`${down} of ${statuses.length} nodes did not answer`);
    });

  withNode(root.command('chain').description("the node's chain, a line per block"))
    .option('--last <n>', 'only the last n blocks', wholeFrom(1))
    .action(async (options: Json & { node: string; last?: number }) => {
      const progress = createProgress(io);
      progress.update(`reading the chain of ${options.node}…`);
      const answer = await requestNode(options.node, 'GET', '/chain', undefined, { maxBytes: LARGE_ANSWER_BYTES, timeoutMs: 60_000 });
      progress.done();
      const { body } = valueOf(answer);
      const chain = (body as { chain?: unknown }).chain;
      if (!Array.isArray(chain)) throw new Refused(`GET ${options.node}/chain: the answer has no chain`);
      const blocks = (options.last === undefined ? chain : chain.slice(-options.last)) as Record<string, unknown>[];
      const lines = blocks.map(
        (b) =>
          `${printable(b.index, 20)}: proof ${printable(b.proof, 24)}, ${count(b.transactions)} transactions, previous ${short(b.previous_hash)}`,
      );
      print(options, options.last === undefined ? body : blocks, lines.join('\n'));
    });

  withNode(root.command('mine').description('mine blocks on the node (GET /mine), one after another'))
    .option('--count <n>', `how many blocks (at most ${MAX_MINE_COUNT})`, wholeFrom(1), 1)
    .action(async (options: Json & { node: string; count: number }) => {
      if (options.count > MAX_MINE_COUNT) throw new Refused(`--count is at most ${MAX_MINE_COUNT}`);
      const progress = createProgress(io);
      try {
        for (let i = 0; i < options.count; i += 1) {
          progress.update(`mining block ${i + 1} of ${options.count}…`);
          const answer = await requestNode(options.node, 'GET', '/mine');
          progress.done();
          const { body } = valueOf(answer);
          const block = body as Record<string, unknown>;
          print(
            options,
            body,
            `Block ${printable(block.index, 20)} forged: proof ${printable(block.proof, 24)}, ${count(block.transactions)} transactions`,
          );
        }
      } finally {
        progress.done();
      }
    });

  withWallets(withNode(root.command('send').description("send coins: plain under TX_RULE=open, signed by --from's wallet under signed")))
    .requiredOption('--from <who>', 'the sender (under signed, a wallet name)')
    .requiredOption('--to <who>', "the recipient (under signed, a wallet's name or an address)")
    .requiredOption('--amount <x>', 'how many coins', positiveAmount)
    .action(async (options: Json & { node: string; from: string; to: string; amount: number; wallets?: string }) => {
      const health = valueOf(await requestNode(options.node, 'GET', '/health'));
      const rule = (health.body as { mode?: { tx_rule?: unknown } }).mode?.tx_rule;
      const answer =
        rule === 'signed'
          ? await sendSigned(options.node, walletDir(options.wallets, io.env), options)
          : rule === 'open'
            ? valueOf(
                await requestNode(options.node, 'POST', '/transactions/new', {
                  sender: options.from,
                  recipient: options.to,
                  amount: options.amount,
                }),
              )
            : undefined;
      if (answer === undefined) throw new Refused(`${options.node} runs TX_RULE=${String(rule)}, which chainlab send does not know`);
      const { message } = answer.body as { message?: unknown };
      print(options, answer.body, printable(typeof message === 'string' ? message : answer.text, MESSAGE_CHARS));
    });
}
