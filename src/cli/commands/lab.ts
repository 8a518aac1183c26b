import { constants } from 'node:fs';
import { open, stat, writeFile } from 'node:fs/promises';
import { Argument, InvalidArgumentError, type Command } from 'commander';
import type { Verdict } from '../../chain/validate.ts';
import { MAX_DELAY_MS, MAX_NAME_CHARS } from '../../lab/faults.ts';
import { MAX_INTERVAL_SECONDS } from '../../node/mining-schedule.ts';
import { painter, printable, terminalSafeJson, type Painter } from '../colour.ts';
import { LARGE_ANSWER_BYTES, requestNode } from '../node-client.ts';
import { createProgress } from '../progress.ts';
import { DEFAULT_NODE, nodeUrl, printer, Refused, valueOf, wholeFrom, type CliIo } from './common.ts';

const MAX_GROUPS_TEXT = 2000; // the node bounds names and groups too; this keeps a typo from being a megabyte
/** Most bytes of a snapshot file `lab restore` reads: what a node takes (MAX_PEER_RESPONSE_BYTES, 64 MiB by default). */
export const MAX_SNAPSHOT_FILE_BYTES = LARGE_ANSWER_BYTES;
/** A snapshot or a restore moves a whole chain: more time than the usual 10 s. */
const LARGE_TIMEOUT_MS = 60_000;
const SHOWN = 16; // links and groups a line lists

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

function delayMs(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > MAX_DELAY_MS)
    throw new InvalidArgumentError(`expected a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`);
  return value;
}

function probability(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError('expected a probability from 0 to 1, as in 0.2');
  return value;
}

function peerName(text: string): string {
  if (text.trim() === '' || text.length > MAX_NAME_CHARS)
    throw new InvalidArgumentError(`expected a node id or host:port of at most ${MAX_NAME_CHARS} characters, as in node2`);
  return text.trim();
}

interface LabOptions {
  node: string;
  json?: boolean;
}
type Relayed = { node?: unknown; ok?: unknown; reason?: unknown }[];
type LabAnswer = { lab?: { groups?: unknown }; relayed?: Relayed };

const listed = (items: string[]) => (items.length > SHOWN ? [...items.slice(0, SHOWN), `${items.length - SHOWN} more`] : items);

function relayedText(relayed: unknown): string {
  if (!Array.isArray(relayed) || relayed.length === 0) return '';
  const peers = (relayed as Relayed).map(
    (r) => `${printable(r.node, 64)} ${r.ok === true ? 'ok' : `failed (${printable(r.reason, 200)})`}`,
  );
  return `; relayed: ${listed(peers).join(', ')}`;
}

/** How a partition or heal went: the groups now, and which peers took it. */
function labLine({ lab, relayed }: LabAnswer): string {
  const groups = Array.isArray(lab?.groups) ? groupsText(lab.groups) : 'none (healed)';
  return `partition: ${groups}${relayedText(relayed)}`;
}

const groupsText = (groups: unknown[]) =>
  listed(groups.map((group) => (Array.isArray(group) ? listed(group.map((name) => printable(name, 64))).join(',') : '?'))).join(' / ');

/**
 * A node's faults as GET /lab (and every route that changes one) gives them, on one line: its
 * partition, link faults, whether it is paused, and its mining mode. `chainlab status` shows it too.
 */
export function faultsLine(view: unknown, paint: Painter = painter({})): string {
  const { groups, links, paused, mining } = (typeof view === 'object' && view !== null ? view : {}) as Record<string, unknown>;
  const faults: string[] = [];
  if (Array.isArray(groups)) faults.push(`partition ${groupsText(groups)}`);
  if (Array.isArray(links) && links.length > 0) {
    const each = (links as Record<string, unknown>[]).map(
      (l) => `${printable(l.peer, 64)} ${printable(l.delay_ms, 12)} ms, loss ${printable(l.loss, 12)}`,
    );
    faults.push(`links ${listed(each).join('; ')}`);
  }
  if (paused === true) faults.push('paused');
  const { mode, seconds } = (typeof mining === 'object' && mining !== null ? mining : {}) as Record<string, unknown>;
  const miningText =
    mode === undefined ? '' : `, mining ${printable(mode, 20)}${seconds === undefined ? '' : ` every ${printable(seconds, 12)} s`}`;
  return `${faults.length === 0 ? paint.ok('no faults') : paint.bad(`faults: ${faults.join(', ')}`)}${miningText}`;
}

/**
 * The text of a snapshot file, refused when not a plain file or past `limit` bytes. Opening a FIFO
 * would wait for a writer forever, so the path is looked at first, and opened without blocking (a
 * FIFO swapped in meanwhile is caught on the handle, as is a file growing meanwhile).
 */
export async function readSnapshotFile(path: string, limit: number): Promise<Verdict<string>> {
  let handle;
  try {
    if (!(await stat(path)).isFile()) return { ok: false, reason: `${path} is not a file` };
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, reason: `cannot read ${path}: ${(error as Error).message}` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, reason: `${path} is not a file` };
    const tooBig = { ok: false as const, reason: `${path} is larger than ${limit} bytes, more than a node takes in a restore` };
    if (stat.size > limit) return tooBig;
    const buffer = Buffer.alloc(Math.min(stat.size, limit) + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read)
      ({ bytesRead: read } = await handle.read(buffer, length, buffer.length - length, length));
    if (length > limit) return tooBig;
    return { ok: true, value: buffer.subarray(0, length).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/** `chainlab lab ...`: the lab's faults and the chain's (LAB=on). A refusal exits 1 with the node's reason. */
export function registerLab(root: Command, io: CliIo): void {
  const print = printer(io);
  const lab = root
    .command('lab')
    .description("a LAB=on node's lab: partitions, slow links, pauses, mining modes, tampering, snapshots, resets");
  const withNode = (command: Command) =>
    command.option('--node <url>', 'the node to ask', nodeUrl, DEFAULT_NODE).option('--json', "print the node's answer as JSON");
  const faults = (options: LabOptions, body: unknown) => print(options, body, faultsLine(body, painter(io)));

  withNode(lab.command('tamper').description("rewrite a transaction's amount in a block (POST /lab/tamper)"))
    .requiredOption('--index <n>', 'the block, from 1', wholeFrom(1))
    .option('--transaction <n>', "the transaction's position in the block, from 0", wholeFrom(0), 0)
    .option('--amount <x>', 'the new amount', finiteNumber, 1000)
    .option('--rehash', 'relink every later block to the rewritten one')
    .action(async (options: LabOptions & { index: number; transaction: number; amount: number; rehash?: boolean }) => {
      const { index, transaction, amount, rehash = false } = options;
      const { body } = valueOf(await requestNode(options.node, 'POST', '/lab/tamper', { index, transaction, amount, rehash }));
      const { message, valid } = body as { message?: unknown; valid?: unknown };
      print(options, body, `${printable(message, 200)}; the chain is ${valid === true ? 'still valid' : 'now invalid'}`);
    });

  withNode(lab.command('heal').description('end every fault of every node (POST /lab/heal)')).action(async (options: LabOptions) => {
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

  withNode(
    lab
      .command('delay')
      .description('delay (and with --loss, drop some of) what the node sends to one peer; 0 ms and no loss removes it (POST /lab/links)')
      .argument('<peer>', 'the peer: its node id or host:port', peerName)
      .argument('<ms>', `milliseconds, 0 to ${MAX_DELAY_MS}`, delayMs),
  )
    .option('--loss <p>', 'the probability that a request is dropped, 0 to 1', probability, 0)
    .action(async (peer: string, ms: number, options: LabOptions & { loss: number }) => {
      faults(options, valueOf(await requestNode(options.node, 'POST', '/lab/links', { peer, delay_ms: ms, loss: options.loss })).body);
    });

  withNode(lab.command('pause').description('the node stops talking to its peers, both ways (POST /lab/pause)')).action(
    async (options: LabOptions) => faults(options, valueOf(await requestNode(options.node, 'POST', '/lab/pause')).body),
  );
  withNode(lab.command('resume').description('undo lab pause (POST /lab/resume)')).action(async (options: LabOptions) =>
    faults(options, valueOf(await requestNode(options.node, 'POST', '/lab/resume')).body),
  );

  withNode(
    lab
      .command('mining')
      .description('switch how the node mines (POST /lab/mining)')
      .addArgument(
        new Argument('<mode>', 'manual, interval (a block every --seconds) or on-transaction').choices([
          'manual',
          'interval',
          'on-transaction',
        ]),
      ),
  )
    .option('--seconds <n>', `for interval: seconds between blocks, 1 to ${MAX_INTERVAL_SECONDS}`, wholeFrom(1))
    .action(async (mode: string, options: LabOptions & { seconds?: number }, command: Command) => {
      if (mode === 'interval' && options.seconds === undefined) command.error('error: interval needs --seconds <n>');
      if (mode !== 'interval' && options.seconds !== undefined) command.error(`error: --seconds is for interval only, not ${mode}`);
      const { body } = valueOf(await requestNode(options.node, 'POST', '/lab/mining', { mode, seconds: options.seconds }));
      print(
        options,
        body,
        printable((body as { message?: unknown }).message, 200) + (options.seconds === undefined ? '' : `, every ${options.seconds} s`),
      );
    });

  withNode(lab.command('snapshot').description("the node's chain and pending pool as JSON, to stdout or --out (GET /lab/snapshot)"))
    .option('--out <file>', 'write it to a new file (never overwritten)')
    .action(async (options: LabOptions & { out?: string }) => {
      const progress = createProgress(io);
      progress.update(`reading the snapshot of ${options.node}…`);
      const answer = await requestNode(options.node, 'GET', '/lab/snapshot', undefined, {
        maxBytes: LARGE_ANSWER_BYTES,
        timeoutMs: LARGE_TIMEOUT_MS,
      });
      progress.done();
      const { body, text } = valueOf(answer);
      // The node's own text, not JSON.stringify's: a float such as 1.0 keeps its spelling, and the blocks their hashes.
      if (options.out === undefined) return io.stdout(`${terminalSafeJson(text)}\n`);
      try {
        await writeFile(options.out, `${text}\n`, { flag: 'wx' });
      } catch (error) {
        const exists = (error as { code?: unknown }).code === 'EEXIST';
        throw new Refused(
          exists
            ? `${options.out} exists: lab snapshot never overwrites a file; choose another --out`
            : `cannot write ${options.out}: ${(error as Error).message}`,
        );
      }
      const { length, pending } = body as { length?: unknown; pending?: unknown };
      const pendingCount = Array.isArray(pending) ? pending.length : null;
      print(
        options,
        { file: options.out, length, pending_count: pendingCount },
        `Wrote ${printable(length, 20)} blocks and ${String(pendingCount)} pending transactions to ${options.out}`,
      );
    });

  withNode(
    lab
      .command('restore')
      .description("replace the node's chain and pool by a snapshot's (POST /lab/restore)")
      .argument('<file>', 'a file lab snapshot wrote'),
  ).action(async (file: string, options: LabOptions) => {
    const text = valueOf(await readSnapshotFile(file, MAX_SNAPSHOT_FILE_BYTES));
    try {
      JSON.parse(text);
    } catch (error) {
      throw new Refused(`${file} is not JSON: ${(error as Error).message}`);
    }
    const progress = createProgress(io);
    progress.update(`restoring ${options.node} from ${file}…`);
    const answer = await requestNode(options.node, 'POST', '/lab/restore', undefined, { jsonText: text, timeoutMs: LARGE_TIMEOUT_MS });
    progress.done();
    const { body } = valueOf(answer);
    print(options, body, printable((body as { message?: unknown }).message, 200));
  });

  withNode(lab.command('reset').description('back to the genesis block with an empty pool: every node, or --this-node (POST /lab/reset)'))
    .option('--this-node', 'reset only this node, not the network')
    .action(async (options: LabOptions & { thisNode?: boolean }) => {
      const { body } = valueOf(
        await requestNode(options.node, 'POST', '/lab/reset', options.thisNode === true ? { scope: 'node' } : undefined),
      );
      const { message, relayed } = body as { message?: unknown; relayed?: unknown };
      print(options, body, `${printable(message, 200)}${relayedText(relayed)}`);
    });
}
