// npm run docs: writes the docs that have a source of truth (the OpenAPI document, src/config.ts's
// VARIABLES, the metrics registry) into docs/. `npm run docs -- --check` writes nothing and exits
// 1 naming the stale files. test/docs.test.ts runs the same check, so a source changed without its
// docs fails npm test. This runs compiled (tsconfig.docs.json), as the code it imports is written
// for: src/ is CommonJS once built, and some of it reads __dirname.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { apiMarkdown } from './api.ts';
import { configurationMarkdown } from './configuration.ts';
import { metricsMarkdown } from './metrics.ts';

/** Each generated file of docs/, and what renders it. */
export const GENERATED: Readonly<Record<string, () => string>> = {
  'api.md': apiMarkdown,
  'configuration.md': configurationMarkdown,
  'metrics.md': metricsMarkdown,
};

/** The repository: the nearest folder above this file with a package.json (from tools/docs, or from its build in dist/). */
export const ROOT = findUp(__dirname, 'package.json');

/**
 * Renders each generated file and compares it with the one in `dir`; unless `check`, writes those
 * that differ. Returns the files that differed (or were missing).
 */
export async function generateDocs({ dir = join(ROOT, 'docs'), check }: { dir?: string; check: boolean }): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, render] of Object.entries(GENERATED)) {
    const file = join(dir, name);
    const wanted = await formatted(render(), name);
    if (existsSync(file) && readFileSync(file, 'utf8') === wanted) continue;
    stale.push(file);
    if (!check) writeFileSync(file, wanted);
  }
  return stale;
}

/** As `prettier --write` would leave it, so that `npm run lint` and the generator agree. */
async function formatted(markdown: string, name: string): Promise<string> {
  const filepath = join(ROOT, 'docs', name);
  return format(markdown, { ...(await resolveConfig(filepath)), filepath });
}

function findUp(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${name} above ${from}`);
  }
}

async function main(args: readonly string[]): Promise<number> {
  const check = args.includes('--check');
  const stale = (await generateDocs({ check })).map((file) => relative(ROOT, file));
  if (stale.length === 0) console.log(`up to date: ${Object.keys(GENERATED).join(', ')}`);
  else if (check) console.error(`stale, run npm run docs: ${stale.join(', ')}`);
  else console.log(`written: ${stale.join(', ')}`);
  return check && stale.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
