// A stand-in peer serving a chain as a chainlab node does (GET /chain/tip, /chain?from=N, /chain)
// or, as the reference node, only GET /chain; it keeps every request and the bytes it sent, so a
// test can say what GET /network made it send.
import type { ServerResponse } from 'node:http';
import { cachedHash } from '../../src/chain/block-hash-cache.ts';
import type { Block } from '../../src/chain/block.ts';
import { toJson, type JsonValue } from '../../src/chain/py-json.ts';
import { NODE_ID_HEADER } from '../../src/peers/peer-client.ts';
import type { Closable } from '../support/closable.ts';
import { startFakePeer } from '../support/nodes.ts';

export interface ChainPeer extends Closable {
  address: string;
  /** Every request's path with its query, in order. */
  requests: string[];
  /** The bytes of every body it sent. */
  bytesSent: number;
}

export interface ChainPeerOptions {
  chain: readonly Block[];
  /** The reference node: no /chain/tip (404), and `from` ignored. */
  reference?: boolean;
  nodeId?: string;
  /** What it answers GET /chain?from=N with, instead of the blocks from N on (a lying peer); undefined: the blocks. */
  windowAnswer?: (from: number) => JsonValue | undefined;
}

export async function startChainPeer({ chain, reference = false, nodeId = 'peer', windowAnswer }: ChainPeerOptions): Promise<ChainPeer> {
  const requests: string[] = [];
  let bytesSent = 0;
  const send = (res: ServerResponse, status: number, body: JsonValue) => {
    const text = Buffer.from(toJson(body));
    bytesSent += text.length;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!reference) headers[NODE_ID_HEADER] = nodeId;
    res.writeHead(status, headers).end(text);
  };
  const peer = await startFakePeer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://peer');
    requests.push(url.pathname + url.search);
    const from = url.searchParams.get('from');
    if (url.pathname === '/chain/tip' && !reference) send(res, 200, { length: chain.length, hash: cachedHash(chain.at(-1)!) });
    else if (url.pathname === '/chain' && from !== null && !reference) {
      const first = Number(from);
      send(res, 200, windowAnswer?.(first) ?? { chain: chain.slice(first - 1) as JsonValue[], length: chain.length, from: first });
    } else if (url.pathname === '/chain') send(res, 200, { chain: [...chain], length: chain.length });
    else send(res, 404, { error: `no route for GET ${url.pathname}` });
  });
  return {
    address: peer.address,
    requests,
    get bytesSent() {
      return bytesSent;
    },
    close: () => peer.close(),
    [Symbol.asyncDispose]: () => peer.close(),
  };
}
