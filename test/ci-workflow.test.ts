// The GitHub workflow users copy (.github/workflows/ci.yml) is a valid workflow and runs what this
// project's own CI (.ci/run) runs; `npm test` and `npm run test:interop` split the suites between them.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'ci.yml');
const CI_SCRIPT = join(ROOT, '.ci', 'run');
/** mpalmer/action-validator: the SchemaStore workflow schema, plus checks of its own (globs, needs). */
const VALIDATOR = join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

/** Runs a Node script of the repository; its exit code, never a throw. */
async function node(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('.github/workflows/ci.yml against the workflow schema (action-validator)', () => {
  test('is valid', async () => {
    const { code, output } = await node([VALIDATOR, WORKFLOW]);
    expect({ code, output }).toEqual({ code: 0, output: '' });
  });

  test('a broken copy is rejected, so the check above can fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-workflow-'));
    try {
      const broken = join(dir, 'ci.yml');
      const text = readFileSync(WORKFLOW, 'utf8');
      expect(text).toMatch(/^ {4}steps:$/m);
      writeFileSync(broken, text.replace(/^ {4}steps:$/m, '    stepz:'));
      const rejected = await node([VALIDATOR, broken]);
      expect(rejected.code).toBe(1);
      expect(rejected.output).toContain('"errors"');

      copyFileSync(WORKFLOW, broken); // and the same file, unbroken, in the same place passes
      expect((await node([VALIDATOR, broken])).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the workflow and .ci/run', () => {
  const STEPS = ['npm ci', 'npm test', 'npm run test:interop'];
  /** The commands of STEPS a list of command lines runs, in order; `VAR=value` prefixes and options aside. */
  const stepsIn = (lines: string[]) =>
    lines.flatMap((line) => STEPS.filter((step) => new RegExp(`^(\\w+=\\S+\\s+)*${step}(\\s|$)`).test(line)));

  const workflow = readFileSync(WORKFLOW, 'utf8');
  const script = readFileSync(CI_SCRIPT, 'utf8');
  const workflowLines = [...workflow.matchAll(/^\s*(?:-\s+)?run:\s*(.+)$/gm)].map((match) => match[1]!.trim());
  const scriptLines = script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  test('run npm ci, npm test and npm run test:interop, in that order', () => {
    expect(stepsIn(workflowLines)).toEqual(STEPS);
    expect(stepsIn(scriptLines)).toEqual(STEPS);
  });

  test('give the interop suites the original node through REFERENCE_NODE', () => {
    expect(scriptLines).toContain('REFERENCE_NODE="$(pwd)/../shared/reference/seed_node.py" npm run test:interop');
    // dvf/blockchain's blockchain.py takes its port as `-p PORT`.
    const interopStep = workflow.slice(workflow.indexOf('- run: npm run test:interop')).split('\n\n')[0];
    expect(interopStep).toMatch(/^\s+REFERENCE_NODE: .+\/blockchain\.py$/m);
    expect(interopStep).toMatch(/^\s+REFERENCE_ARGS: -p \{port\}$/m);
  });

  test('point at each other', () => {
    expect(workflow).toContain('.ci/run');
    expect(script).toContain('.github/workflows/ci.yml');
  });
});

describe('npm test and npm run test:interop', () => {
  const listTests = async (config: string) => {
    const { code, output } = await node([join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', config, '--listTests']);
    expect(code).toBe(0);
    return output
      .trim()
      .split('\n')
      .map((file) => relative(ROOT, file))
      .sort();
  };

  test('split the suites: the ones that run the original node in test:interop only, every other in npm test', async () => {
    const [unit, interop] = await Promise.all([listTests('jest.config.js'), listTests('jest.interop.config.js')]);
    expect(interop).toEqual(['e2e/interop.test.ts', 'test/bench-smoke.test.ts']);
    expect(unit).toContain('test/ci-workflow.test.ts');
    expect(unit).toContain('e2e/network.test.ts');
    expect(unit.filter((file) => interop.includes(file))).toEqual([]);
  }, 30_000);
});
