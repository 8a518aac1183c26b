// npm run docs: writes the docs that have a source of truth (the OpenAPI document, src/config.ts's
// VARIABLES, the metrics registry, each lesson of lessons/) into docs/. `npm run docs -- --check`
// writes nothing and exits 1 naming the stale files. test/docs.test.ts runs the same check, so a
// source changed without its docs fails npm test. This runs compiled (tsconfig.docs.json), as the
// code it imports is written for: src/ is CommonJS once built, and some of it reads __dirname.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { apiMarkdown } from './api.ts';
import { configurationMarkdown } from './configuration.ts';
import { lessonPages, readLessons } from './lessons.ts';
import { metricsMarkdown } from './metrics.ts';

/** The generated files of docs/ that are there whatever the lessons, and what renders each. */
const FIXED: Readonly<Record<string, () => string>> = {
  'api.md': apiMarkdown,
  'configuration.md': configurationMarkdown,
  'metrics.md': metricsMarkdown,
};

/**
 * Each generated file, by its path under docs/, and what renders it: the fixed ones, and a page per
 * lesson of `lessonsDir` with their index. Read at each call, so a lesson added or removed counts;
 * throws, with the parser's reason, on a lesson that does not parse.
 */
export function generated(lessonsDir = join(ROOT, 'lessons')): Record<string, () => string> {
  return { ...FIXED, ...lessonPages(readLessons(lessonsDir)) };
}

/** The repository: the nearest folder above this file with a package.json (from tools/docs, or from its build in dist/). */
export const ROOT = findUp(__dirname, 'package.json');

/**
 * Renders each generated file and compares it with the one in `dir`; unless `check`, writes those
 * that differ, and deletes the pages of docs/lessons/ whose lesson is gone. Returns the files that
 * differed, were missing, or are left over.
 */
export async function generateDocs({
  dir = join(ROOT, 'docs'),
  lessonsDir,
  check,
}: {
  dir?: string;
  lessonsDir?: string;
  check: boolean;
}): Promise<string[]> {
  const stale: string[] = [];
  const pages = generated(lessonsDir);
  for (const [name, render] of Object.entries(pages)) {
    const file = join(dir, name);
    const wanted = await formatted(render(), name);
    if (existsSync(file) && readFileSync(file, 'utf8') === wanted) continue;
    stale.push(file);
    if (check) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, wanted);
  }
  // A page left behind by a deleted or renamed lesson would still read as a lesson one can run.
  const lessonsOut = join(dir, 'lessons');
  const leftOver = existsSync(lessonsOut)
    ? readdirSync(lessonsOut).filter((name) => name.endsWith('.md') && !Object.hasOwn(pages, `lessons/${name}`))
    : [];
  for (const name of leftOver.sort()) {
    stale.push(join(lessonsOut, name));
    if (!check) rmSync(join(lessonsOut, name));
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
  if (stale.length === 0) console.log(`up to date: ${Object.keys(generated()).join(', ')}`);
  else if (check) console.error(`stale, run npm run docs: ${stale.join(', ')}`);
  else console.log(`written (or, left over from a lesson gone, deleted): ${stale.join(', ')}`);
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
