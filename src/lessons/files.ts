import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../chain/validate.ts';
import { parseLesson, type Lesson } from './format.ts';
import { LESSONS_DIR } from './paths.ts';

/** A lesson's name is its file's, lessons/NAME.yaml, and what `lesson run NAME` takes; never a path. */
export const LESSON_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The lessons of `dir`, by name, sorted. */
export function lessonNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/** lessons/NAME.yaml of `dir`, parsed; a reason names the file (and the line, when the format is wrong). */
export function readLesson(dir: string, name: string): Verdict<Lesson> {
  if (!LESSON_NAME.test(name))
    return { ok: false, reason: `no lesson '${name}': a lesson's name is lower-case letters, digits and dashes (see lesson list)` };
  let text: string;
  try {
    text = readFileSync(join(dir, `${name}.yaml`), 'utf8');
  } catch {
    return { ok: false, reason: `no lesson '${name}' in ${dir} (see lesson list)` };
  }
  return parseLesson(text, `lessons/${name}.yaml`);
}

/** Every lesson of `dir`, parsed; throws on the first that does not parse, with its reason. */
export function readLessons(dir: string = LESSONS_DIR): { name: string; lesson: Lesson }[] {
  return lessonNames(dir).map((name) => {
    if (!LESSON_NAME.test(name))
      throw new Error(`lessons/${name}.yaml: a lesson's file name is lower-case letters, digits and dashes, or lesson run cannot take it`);
    const parsed = readLesson(dir, name);
    if (!parsed.ok) throw new Error(parsed.reason);
    return { name, lesson: parsed.value };
  });
}
