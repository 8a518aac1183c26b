import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the Docker build context and the home of docker-compose.yml. Found by
 * walking up, since this file also runs compiled from dist-bench/ for the benchmarks.
 */
export const REPO_ROOT = findUp(__dirname, 'docker-compose.yml');

function findUp(from: string, file: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, file))) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${file} above ${from}`);
  }
}

/** Both setups name the nodes alike: Compose service names, or network aliases under Testcontainers. */
export const NODE_NAMES = ['node1', 'node2', 'node3'] as const;
export type NodeName = (typeof NODE_NAMES)[number];

/** Where the test process reaches each node's HTTP API, e.g. `http://localhost:5001`. */
export type NodeUrls = Readonly<Record<NodeName, string>>;

/** The port every node listens on inside its container. */
export const NODE_PORT = 5000;

/** How the nodes reach one another inside their Docker network, as the node reports peers. */
export function peerAddress(name: NodeName): string {
  return `${name}:${NODE_PORT}`;
}

export function otherNodes(name: NodeName): NodeName[] {
  return NODE_NAMES.filter((other) => other !== name);
}

/** The fields of GET /health the e2e tests read. */
export interface Health {
  node_id: string;
  length: number;
  tip_hash: string;
  peers: string[];
}
