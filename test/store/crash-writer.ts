/**
 * The child process of file-store-crash.test.ts: `node crash-writer.ts DIR`. Records the crash
 * history into a FileStore in DIR as fast as it can, a few records in flight at a time, compacting
 * now and then, and prints each change's number on its own line once its record resolved, until
 * it is killed.
 */
import { Blockchain, type ChainChange } from '../../src/chain/blockchain.ts';
import { FileStore } from '../../src/store/file-store.ts';
import { crashChange } from './crash-changes.ts';

const IN_FLIGHT = 8;
const REWRITE_EVERY = 50;

async function main(dir: string): Promise<void> {
  // Anything logged fails the test (which expects an empty stderr), but a torn tail is what a kill leaves.
  const report = (_details: object, message: string) => void process.stderr.write(`${message}\n`);
  const store = await FileStore.open(dir, { warn: report, error: report });
  const blockchain = Blockchain.replay(await store.load());
  const recorded: ChainChange[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let seq = 0; ; seq++) {
    const change = crashChange(seq, blockchain);
    blockchain.apply(change);
    recorded.push(change);
    // stdout is a pipe, written synchronously on Linux: a printed number has left the process.
    const acknowledged = store.record(change).then(() => void process.stdout.write(`${seq}\n`));
    inFlight.add(acknowledged);
    void acknowledged.then(() => inFlight.delete(acknowledged), fail);
    // A compaction that changes nothing: a crash during it must leave the old log or the new one.
    if (seq % REWRITE_EVERY === REWRITE_EVERY - 1) store.rewrite([...recorded]).catch(fail);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
}

function fail(error: unknown): never {
  process.stderr.write(`crash-writer: ${String(error)}\n`);
  process.exit(1);
}

main(process.argv[2]!).catch(fail);
