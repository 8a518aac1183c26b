// `npm run bench` at tiny sizes: proves the benchmark still runs end to end. It asserts that every
// figure was measured, never how fast: timings are the benchmark's business, not the tests'.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Results {
  rows: { section: string; measure: string; value: number; unit: string }[];
}

test('npm run bench (BENCH_SMOKE=1) measures every section and writes its results', async () => {
  const out = mkdtempSync(join(tmpdir(), 'chainlab-bench-'));
  try {
    await run('npm', ['run', 'bench'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, BENCH_SMOKE: '1', BENCH_OUT: out, NODE_OPTIONS: '' },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const { rows } = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    const sections = new Set(rows.map((row) => row.section.replace(/, \d+ (blocks|connections|nodes)$/, '')));
    expect([...sections]).toEqual([
      'hash rate',
      'time to mine a block',
      'HTTP',
      'responsiveness',
      'gossip',
      'catching up',
      'catching up what is missing',
      'memory',
    ]);
    // A latency under 1 ms reads 0; anything not measured would be NaN or missing.
    for (const row of rows)
      expect({ measure: row.measure, measured: Number.isFinite(row.value) && row.value >= 0 }).toEqual({
        measure: row.measure,
        measured: true,
      });
    expect(rows.find((row) => row.measure === 'chainlab, 1 core')?.value).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('| hash rate | chainlab, 1 core |');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
