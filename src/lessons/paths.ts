import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package's root: the nearest folder above `from` with a package.json. This file runs from
 * src/lessons (ts-jest), dist/lessons (the build, the image) and dist/docs/src/lessons (npm run
 * docs), so a path relative to __dirname would name three places.
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** lessons/ at the package's root: the lessons, and their schema. */
export const LESSONS_DIR = join(packageRoot(__dirname), 'lessons');
export const SCHEMA_PATH = join(LESSONS_DIR, 'lesson.schema.json');
