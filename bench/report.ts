import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

/** One figure, with the anchor it is compared against: absolute times drift on shared machines, ratios less. */
export interface Row {
  section: string;
  measure: string;
  value: number;
  unit: string;
  anchor?: string;
  ratio?: number;
  goal?: string;
}

export function row(
  section: string,
  measure: string,
  value: number,
  unit: string,
  against?: { anchor: string; value: number; goal?: string },
): Row {
  // Latencies come in whole milliseconds: 0 means under 1 ms, and a ratio to it says nothing.
  const ratio = against && value > 0 && against.value > 0 ? value / against.value : undefined;
  return { section, measure, value, unit, ...(against && { anchor: against.anchor, ratio, goal: against.goal }) };
}

export function machine(): Record<string, string | number> {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, date: new Date().toISOString() };
}

/** Prints the table and writes results.json and results.md into `directory`. */
export function publish(rows: readonly Row[], directory: string, notes: readonly string[]): void {
  const markdown = toMarkdown(rows, notes);
  console.log(`\n${markdown}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'results.json'), `${JSON.stringify({ machine: machine(), rows }, null, 2)}\n`);
  writeFileSync(join(directory, 'results.md'), markdown);
  console.log(`written: ${join(directory, 'results.json')}, ${join(directory, 'results.md')}`);
}

function toMarkdown(rows: readonly Row[], notes: readonly string[]): string {
  const { cpu, cores, node, date } = machine();
  const lines = [
    `Measured ${String(date).slice(0, 10)} on ${cpu}, ${cores} cores, Node ${node}.`,
    '',
    '| Section | Measure | Value | Against | Ratio | Goal |',
    '| --- | --- | ---: | --- | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.section} | ${r.measure} | ${r.value === 0 && r.unit === 'ms' ? '< 1' : format(r.value)} ${r.unit} | ${r.anchor ?? ''} | ${r.ratio === undefined ? '' : `${formatRatio(r.ratio)}×`} | ${r.goal ?? ''} |`,
    ),
    '',
    ...notes.map((note) => `- ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

function formatRatio(ratio: number): string {
  return ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}
