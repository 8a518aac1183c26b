// The node that is measured is the node that is deployed: `npm start`, the image's CMD and the
// bench run the same entry point with the same V8 flags and the same environment beyond the
// node's configuration (the malloc tunables), and `npm start` does not build first (a start that
// compiles is slower and is not what the image does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployedNodeEnv, deployedNodeFlags } from '../bench/adoption.ts';
import { DEPLOYED_NODE } from '../bench/processes.ts';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The environment set for node, the flags given to it before the entry point, and the entry point's file name. */
interface NodeCommand {
  env: Record<string, string>;
  flags: string[];
  entry: string;
}

/** Variables every side sets for its own reasons, not part of how the node runs. */
const NOT_COMPARED = new Set(['NODE_ENV', 'PORT']);

function settings(words: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of words) {
    const [, name, value] = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word)!;
    if (!NOT_COMPARED.has(name!)) env[name!] = value!;
  }
  return env;
}

function npmStart(): NodeCommand {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.prestart).toBeUndefined();
  const words = scripts.start!.split(/\s+/);
  const node = words.indexOf('node');
  expect(node).toBeGreaterThanOrEqual(0);
  const args = words.slice(node + 1);
  return { env: settings(words.slice(0, node)), flags: args.slice(0, -1), entry: args[args.length - 1]! };
}

function dockerfile(): NodeCommand {
  const text = read('Dockerfile');
  // The runtime stage's ENV, with its line continuations joined; the build stage sets none.
  const env = [...text.replace(/\\\n\s*/g, '').matchAll(/^ENV (.*)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/));
  // The last CMD is the container's; the one inside HEALTHCHECK comes earlier.
  const cmds = [...text.matchAll(/^CMD (\[.*\])$/gm)].map((match) => JSON.parse(match[1]!) as string[]);
  const [node, ...args] = cmds[cmds.length - 1]!;
  expect(node).toBe('node');
  return { env: settings(env), flags: args.slice(0, -1), entry: args[args.length - 1]! };
}

function benchSpawn(): NodeCommand {
  // startChainlab spawns with DEPLOYED_NODE's flags and environment, not with a copy of its own.
  const source = read('bench/processes.ts');
  expect(source).toMatch(/spawn\(process\.execPath, \[\.\.\.DEPLOYED_NODE\.flags, join\(__dirname, '\.\.', 'src', 'main\.js'\)\]/);
  expect(source).toMatch(/env: \{ \.\.\.process\.env, \.\.\.DEPLOYED_NODE\.env, /);
  return { env: DEPLOYED_NODE.env, flags: DEPLOYED_NODE.flags, entry: 'dist/main.js' };
}

test('npm start, the Dockerfile CMD and ENV, and the bench run dist/main.js with the same node flags and environment', () => {
  const start = npmStart();
  expect(start.entry).toBe('dist/main.js');
  expect(dockerfile()).toEqual(start);
  expect(benchSpawn()).toEqual(start);
});

test("the bench's bare Koa app runs with the deployed flags and environment too", () => {
  const { env, flags } = npmStart();
  expect(deployedNodeFlags()).toEqual(flags);
  expect(deployedNodeEnv()).toEqual(env);
});

test('the deployed node can collect its garbage on demand (src/node/memory-release.ts needs it)', () => {
  expect(npmStart().flags).toContain('--expose-gc');
});
