// The node that is measured is the node that is deployed: `npm start`, the image's CMD and the
// bench run the same entry point with the same V8 flags, and `npm start` does not build first
// (a start that compiles is slower and is not what the image does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The flags given to node before the entry point, and the entry point's file name. */
interface NodeCommand {
  flags: string[];
  entry: string;
}

function npmStart(): NodeCommand {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.prestart).toBeUndefined();
  const [node, ...args] = scripts.start!.split(/\s+/);
  expect(node).toBe('node');
  return { flags: args.slice(0, -1), entry: args[args.length - 1]! };
}

function dockerCmd(): NodeCommand {
  // The last CMD is the container's; the one inside HEALTHCHECK comes earlier.
  const cmds = [...read('Dockerfile').matchAll(/^CMD (\[.*\])$/gm)].map((match) => JSON.parse(match[1]!) as string[]);
  const [node, ...args] = cmds[cmds.length - 1]!;
  expect(node).toBe('node');
  return { flags: args.slice(0, -1), entry: args[args.length - 1]! };
}

function benchSpawn(): NodeCommand {
  const match = /spawn\(process\.execPath, \[((?:'[^']*', )*)join\(__dirname, '\.\.', 'src', 'main\.js'\)\]/.exec(
    read('bench/processes.ts'),
  );
  expect(match).not.toBeNull();
  const flags = [...match![1]!.matchAll(/'([^']*)'/g)].map((flag) => flag[1]!);
  return { flags, entry: 'dist/main.js' };
}

test('npm start, the Dockerfile CMD and the bench run dist/main.js with the same node flags', () => {
  const start = npmStart();
  expect(start.entry).toBe('dist/main.js');
  expect(dockerCmd()).toEqual(start);
  expect(benchSpawn()).toEqual(start);
});
