import { isIP } from 'node:net';
import { splitHostPort } from './peer-address.ts';
import type { Lookup } from './peer-discovery.ts';

/** How long a host name's lookup may take before it counts as resolving to nothing. */
const LOOKUP_TIMEOUT_MS = 2000;

/** The IPs a host stands for: itself for an IP, what the lookup gives for a name (nothing if it fails). */
export type HostAddresses = (host: string) => Promise<readonly string[]>;

/**
 * A lookup for one sync round: each name is looked up once, and a DNS that does not answer holds the
 * round up by LOOKUP_TIMEOUT_MS at most.
 */
export function hostAddresses(lookup: Lookup): HostAddresses {
  const known = new Map<string, Promise<readonly string[]>>();
  return (host) => {
    if (isIP(host) !== 0) return Promise.resolve([host]);
    let addresses = known.get(host);
    if (addresses === undefined) {
      addresses = withTimeout(lookup(host)).catch(() => []);
      known.set(host, addresses);
    }
    return addresses;
  };
}

/**
 * Whether two peer addresses are shown to reach one endpoint: the same port, and hosts that resolve
 * to a common IP (a replica found by its IP and by its host name). This, never the id a peer claims
 * (every node's id is public in /health), is what makes two peers one.
 */
export async function sameEndpoint(a: string, b: string, addressesOf: HostAddresses): Promise<boolean> {
  const [first, second] = [splitHostPort(a), splitHostPort(b)];
  if (first.port !== second.port) return false;
  const [ours, theirs] = await Promise.all([addressesOf(first.host), addressesOf(second.host)]);
  return ours.some((address) => theirs.includes(address));
}

function withTimeout(addresses: Promise<string[]>): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lookup: no answer after ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS).unref();
  });
  return Promise.race([addresses, timeout]).finally(() => clearTimeout(timer));
}
