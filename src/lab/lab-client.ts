import type { JsonValue } from '../chain/py-json.ts';
import { ExchangeDeadline, type PeerClient, type PeerFailure, type PeerReply, type RequestOptions } from '../peers/peer-client.ts';
import type { OutboundFault } from './faults.ts';

/** What the decorator asks of the lab: the fault on a request to `peer` now. */
export type OutboundFaults = (peer: string) => OutboundFault;

export interface FaultyClientOptions {
  /** The client's exchange budget (PEER_TIMEOUT_MS): a delay counts against it, as a slow link would. */
  timeoutMs: number;
  /** A number in [0, 1): whether a request is lost. Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * `client` with the lab's faults applied to every request, as Bitcoin Core's `disconnectnode` does
 * it: inside the node's own peer layer, so gossip, sync, resolve, catch-up and introductions all
 * see the same network. A cut or lost request fails at once as one the peer never answered, so the
 * node treats it as it treats a peer that is down; a delayed one waits before it is sent, under the
 * exchange's deadline.
 */
export function faultyClient(
  client: PeerClient,
  faults: OutboundFaults,
  { timeoutMs, random = Math.random }: FaultyClientOptions,
): PeerClient {
  const send = async (
    method: 'GET' | 'POST',
    peer: string,
    path: string,
    options: RequestOptions | undefined,
    request: (options: RequestOptions) => Promise<PeerReply>,
  ): Promise<PeerReply> => {
    const fail = (reason: string): PeerFailure => ({ ok: false, reason: `${method} ${peer}${path}: ${reason}`, answered: false });
    const fault = faults(peer);
    if (fault.cut !== undefined) return fail(`cut by the lab (${fault.cut})`);
    if (fault.loss > 0 && random() < fault.loss) return fail(`dropped by the lab (loss ${fault.loss})`);
    if (fault.delayMs === 0) return request(options ?? {});
    const deadline = options?.deadline ?? new ExchangeDeadline();
    try {
      const budgetMs = deadline.start(timeoutMs);
      await waitOrExpire(fault.delayMs, deadline);
      if (deadline.passed) return fail(`timeout after ${budgetMs} ms (the lab delays it ${fault.delayMs} ms)`);
      return await request({ deadline });
    } finally {
      if (options?.deadline === undefined) deadline[Symbol.dispose]();
    }
  };
  return {
    getChain: (peer, from, options) =>
      send('GET', peer, from === undefined ? '/chain' : `/chain?from=${from}`, options, (o) => client.getChain(peer, from, o)),
    getTip: (peer, options) => send('GET', peer, '/chain/tip', options, (o) => client.getTip(peer, o)),
    post: (peer, path, body: JsonValue, options) => send('POST', peer, path, options, (o) => client.post(peer, path, body, o)),
  };
}

/** Resolves after `ms`, or when the deadline passes if that is sooner. */
function waitOrExpire(ms: number, deadline: ExchangeDeadline): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const delay = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()));
  return Promise.race([delay, deadline.expiry()]).finally(() => clearTimeout(timer));
}
