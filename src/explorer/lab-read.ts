import { parseJson } from '../chain/py-json-parse.ts';
import type { ExchangeDeadline } from '../peers/exchange-deadline.ts';
import type { PeerReply } from '../peers/peer-client.ts';
import { NODE_ID_HEADER } from '../peers/peer-client.ts';
import { readBody } from '../peers/read-body.ts';

/** Budget for all the lab reads of one node in one page poll: its faults, its verdict and its dropped blocks. */
export const LAB_READ_TIMEOUT_MS = 2000;

/**
 * What the explorer's lab view needs to read a node: one GET, bounded in bytes, under the deadline of
 * the exchange it belongs to. A failure is a reason, never a throw, as with the peer client.
 */
export type LabReader = (address: string, path: string, deadline: ExchangeDeadline, maxBytes: number) => Promise<PeerReply>;

/**
 * GET `path` of the node at `address` as a client does, not as a peer: the lab's reads are how the
 * class watches the faults, so they must cross them, as the lab's own control messages do, and a
 * partition that cuts a node off from its peers must not hide it from the page. Not the peer
 * client's GET (PeerRequester.get): that one reads up to MAX_PEER_RESPONSE_BYTES (256 MiB by
 * default) under PEER_TIMEOUT_MS, while a page poll must cost a bounded amount whatever a node
 * sends, so each read here has its own bound (64 KiB for GET /lab, 5 MiB for GET /lab/dropped: see
 * lab-view.ts) and the poll its own budget. Once RequestOptions takes a byte bound, this is one
 * line of it. No redirects: a node must not point this one at another host.
 */
export const readLab: LabReader = async (address, path, deadline, maxBytes) => {
  const budgetMs = deadline.start(LAB_READ_TIMEOUT_MS);
  const fail = (reason: string, answered: boolean, status?: number): PeerReply => ({
    ok: false,
    reason: `GET ${address}${path}: ${reason}`,
    answered,
    ...(status === undefined ? {} : { status }),
  });
  if (deadline.passed) return fail(`timeout after ${budgetMs} ms`, false);
  try {
    const response = await fetch(`http://${address}${path}`, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: deadline.signal,
    });
    if (!response.ok) {
      void response.body?.cancel().catch(() => undefined);
      return fail(`HTTP ${response.status}`, true, response.status);
    }
    const read = await readBody(response, maxBytes, deadline.signal);
    if (!read.ok) return read.why === 'stopped' ? fail(`timeout after ${budgetMs} ms`, false) : fail(`larger than ${maxBytes} bytes`, true);
    const parsed = parseJson(read.text);
    if (!parsed.ok) return fail(`invalid JSON: ${parsed.reason}`, true);
    return { ok: true, value: { body: parsed.value, nodeId: response.headers.get(NODE_ID_HEADER) ?? undefined } };
  } catch (error) {
    if (deadline.passed) return fail(`timeout after ${budgetMs} ms`, false);
    const cause = (error as Error).cause;
    return fail(`unreachable (${cause instanceof Error ? cause.message : (error as Error).message})`, false);
  }
};
