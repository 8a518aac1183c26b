import { readFileSync } from 'node:fs';
import { startChainlab } from './processes.ts';

export interface NodeMining {
  blocks: number;
  /** Proofs the node's searches tried: the sum over blocks of proof + 1, as every search starts at 0. */
  tries: number;
  seconds: number;
  triesPerSecond: number;
  /** The node's CPU time over the wall time: as many as its workers when each had a core to itself. */
  cores: number;
}

/**
 * A real chainlab node (the bench's build of src/main.ts, in a process of its own) mining `blocks`
 * blocks at `difficulty` through GET /mine, one after the other, as a user mining a chain does.
 * The rate counts the proofs actually tried (each search runs from 0 up to the proof it returns),
 * not the 16^difficulty a search is expected to take, over the wall time of all the requests:
 * HTTP, forging and the workers' messaging are in it, as they are for the user.
 */
export async function nodeMiningRate(difficulty: number, blocks: number): Promise<NodeMining> {
  const node = await startChainlab({ DIFFICULTY: String(difficulty) });
  try {
    let tries = 0;
    const cpu = cpuSeconds(node.pid);
    const started = performance.now();
    for (let i = 0; i < blocks; i++) {
      const response = await fetch(`${node.url}/mine`);
      if (!response.ok) throw new Error(`GET ${node.url}/mine: ${response.status} ${await response.text()}`);
      const { proof } = (await response.json()) as { proof: unknown };
      if (!Number.isSafeInteger(proof)) throw new Error(`GET ${node.url}/mine: proof ${String(proof)} is not an integer`);
      tries += (proof as number) + 1;
    }
    const seconds = (performance.now() - started) / 1000;
    return { blocks, tries, seconds, triesPerSecond: tries / seconds, cores: (cpuSeconds(node.pid) - cpu) / seconds };
  } finally {
    await node.stop();
  }
}

/** User and system time of a process and its threads, from /proc (Linux): fields 14 and 15 of its stat, in clock ticks. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, field 2, is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node runs on
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
