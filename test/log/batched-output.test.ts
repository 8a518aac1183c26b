// The node's stdout gathers log lines for a few milliseconds and writes them together
// (src/log/batched-output.ts): no line may be lost on the way out, nor wait for the next one.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { batchedOutput } from '../../src/log/batched-output.ts';
import { eventually } from '../support/eventually.ts';

const run = promisify(execFile);
const MODULE = join(__dirname, '..', '..', 'src', 'log', 'batched-output.ts');

/** Runs `body` in a fresh Node process (Node strips the types) with `out`, a batchedOutput on its stdout, in scope. */
async function childOutput(body: string): Promise<string> {
  const script = `import { batchedOutput } from ${JSON.stringify(MODULE)};\nconst out = batchedOutput(1);\n${body}`;
  const child = run(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const result = await child.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return result.stdout;
}

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `line ${i}\n`).join('');

describe('batched standard output', () => {
  test('every line gathered is written when the process exits at once (process.exit)', async () => {
    expect(await childOutput('for (let i = 0; i < 1000; i++) out.write(`line ${i}\\n`);\nprocess.exit(0);')).toBe(numbered(1000));
  });

  test('and when it dies of an uncaught error, as a fatal start-up error does', async () => {
    const output = await childOutput('for (let i = 0; i < 3; i++) out.write(`line ${i}\\n`);\nthrow new Error("boom");');
    expect(output).toBe(numbered(3));
  });

  test('more lines than one batch holds come out whole and in order', async () => {
    const body = 'for (let i = 0; i < 20000; i++) out.write(`line ${i}\\n`);\nprocess.exit(0);';
    expect(await childOutput(body)).toBe(numbered(20000));
  });

  test('a reader slower than the lines loses none of them, and gets no line cut, when the process exits', async () => {
    // An asynchronous writer would still be writing a batch at exit (the timer lets one start), and drop it.
    const script = `import { batchedOutput } from ${JSON.stringify(MODULE)};\nconst out = batchedOutput(1);\nfor (let i = 0; i < 200000; i++) out.write(\`line \${i}\\n\`);\nsetTimeout(() => { for (let i = 200000; i < 200010; i++) out.write(\`line \${i}\\n\`); process.exit(0); }, 5);`;
    const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the pipe fills while nobody reads
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
    await once(child, 'close');
    expect(Buffer.concat(chunks).toString()).toBe(numbered(200010));
  });

  test('a lone line is written without waiting for more, or for the process to end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainlab-log-'));
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      batchedOutput(fd).write('{"msg":"alone"}\n');
      await eventually(() => readFileSync(file, 'utf8') === '{"msg":"alone"}\n', { what: 'the line to be written' });
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
