import { isIP } from 'node:net';
import { joinHostPort, splitHostPort } from './peer-address.ts';
import type { PeerSource } from './peer-set.ts';

/** All addresses a host name resolves to, e.g. `dns.promises.lookup(host, { all: true })`. */
export type Lookup = (host: string) => Promise<string[]>;

/** What discovery needs of the node: registering the peers it finds, and forgetting those gone. */
export interface PeerRegistry {
  /** Registers `host:port` addresses, from PEERS here; this node's own are skipped. */
  registerPeers(addresses: readonly string[], source: PeerSource): unknown;
  forgetPeers(addresses: readonly string[]): void;
}

export interface PeerDiscoveryDeps {
  node: PeerRegistry;
  /** The PEERS entries, as `host:port`. */
  names: readonly string[];
  lookup: Lookup;
  intervalMs: number;
}

export interface PeerDiscovery {
  /** Looks every name up once more and brings the peers in line; also runs on its own timer. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the peers named in PEERS in step with DNS. A name that resolves to one address stays a
 * peer under its name (`node2:5000`). A name that resolves to several, a Compose service with
 * replicas or Swarm's `tasks.<service>`, stands for all of them: each address becomes a peer
 * (`10.0.1.5:5000`), and an address that stops resolving (a replica gone) stops being one. The
 * node's own address is among them; the peer set already knows to skip it.
 */
export function startPeerDiscovery({ node, names, lookup, intervalMs }: PeerDiscoveryDeps): PeerDiscovery {
  const discovered = new Map<string, readonly string[]>(); // name -> the addresses it stood for last time
  const refreshName = async (name: string) => {
    const { host, port } = splitHostPort(name);
    if (isIP(host) !== 0) return;
    const addresses = await lookup(host).catch(() => undefined);
    if (addresses === undefined) return; // not resolvable yet: keep what we had, try again next time
    const peers = addresses.length > 1 ? [...new Set(addresses)].sort().map((address) => joinHostPort(address, port)) : [name];
    const gone = (discovered.get(name) ?? [name]).filter((peer) => !peers.includes(peer));
    node.forgetPeers(gone);
    node.registerPeers(peers, 'config');
    discovered.set(name, peers);
  };
  let running: Promise<void> = Promise.resolve();
  const refresh = () => (running = running.then(() => Promise.all(names.map(refreshName))).then(() => undefined));
  const timer =
    names.some((name) => isIP(splitHostPort(name).host) === 0) && intervalMs > 0
      ? setInterval(() => void refresh(), intervalMs).unref()
      : undefined;
  return {
    refresh,
    stop: () => clearInterval(timer),
  };
}
