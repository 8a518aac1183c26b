import { sleep } from '../../test/support/eventually.ts';
import type { NodeApi } from './node-api.ts';
import type { NodeName } from './nodes.ts';

/** How many runs of a step succeeded and how many failed. */
export interface Counts {
  succeeded: number;
  failed: number;
}

/** A step run over and over until stopped. */
export interface Loop {
  /** The runs so far, for a test that waits until the load has got somewhere. */
  readonly counts: Readonly<Counts>;
  /** Waits for the step under way, then reports how many runs succeeded and how many failed. */
  stop(): Promise<Counts>;
}

/**
 * Runs `step` again and again, pausing `pauseMs` after each, until stopped. A failing step (a node
 * that is down) is counted, never thrown: load goes on while a test breaks things.
 */
export function repeat(step: () => Promise<void>, pauseMs: number): Loop {
  let stopped = false;
  const counts: Counts = { succeeded: 0, failed: 0 };
  const running = (async () => {
    while (!stopped) {
      try {
        await step();
        counts.succeeded++;
      } catch {
        counts.failed++;
      }
      await sleep(pauseMs);
    }
  })();
  return {
    counts,
    async stop() {
      stopped = true;
      await running;
      return { ...counts };
    },
  };
}

/** A transaction a node answered 201 to, so one it must never lose. */
export interface Acknowledged {
  id: string;
  node: NodeName;
}

/**
 * Posts transactions to `node` one after another until stopped, appending every one answered 201
 * to `acked` with the id the node gave it. `api` is asked for each request: a node's address moves
 * when it restarts.
 */
export function streamTransactions(node: NodeName, api: () => NodeApi, acked: Acknowledged[], pauseMs = 10): Loop {
  let sequence = 0;
  return repeat(async () => {
    const reply = await api().post('/transactions/new', { sender: `stream-${node}`, recipient: 'stream-recipient', amount: ++sequence });
    if (reply.status !== 201) throw new Error(`POST /transactions/new on ${node} answered ${reply.status}`);
    const { id } = reply.body as { id: unknown };
    if (typeof id !== 'string')
      throw new Error(`POST /transactions/new on ${node} answered 201 without an id: ${JSON.stringify(reply.body)}`);
    acked.push({ id, node });
  }, pauseMs);
}

/** GET /mine on `node` every `pauseMs`. */
export function mineRepeatedly(api: () => NodeApi, pauseMs: number): Loop {
  return repeat(async () => {
    const reply = await api().get('/mine');
    if (reply.status !== 200) throw new Error(`GET /mine answered ${reply.status}`);
  }, pauseMs);
}
