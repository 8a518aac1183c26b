/**
 * The lesson schema (lessons/lesson.schema.json): the one description of the format, for editors
 * and for parseLesson alike. Here it is compiled with ajv, and ajv's errors become one plain sentence.
 */
import { readFileSync } from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { SCHEMA_PATH } from './paths.ts';

/** Where in the lesson something is wrong, as the keys and indexes from the top. */
export type Path = (string | number)[];

/** One thing wrong with a lesson; `atKey`: the line is that of the path's last key, not of its value. */
export interface Problem {
  path: Path;
  atKey?: boolean;
  message: string;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // strict: a typo in the schema (`minlenght`) fails the compile instead of checking nothing;
  // strictNumbers (with it) keeps .inf and .nan out of every number.
  compiled ??= new Ajv2020({ strict: true, allErrors: true, verbose: true }).compile(
    JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object,
  );
  return compiled;
}

/** `steps[2].expect`, relative to a step when the path is inside one; '' for the top. */
export function label(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/** The path inside the lesson a step's problem is at, and the step's index (undefined outside steps). */
export function stepOf(path: Path): { step: number | undefined; within: Path } {
  return path[0] === 'steps' && typeof path[1] === 'number' ? { step: path[1], within: path.slice(2) } : { step: undefined, within: path };
}

export function positionMessage(what: string, nodes: number | undefined): string {
  return nodes === undefined
    ? `${what} must be a node position from 1 to 16`
    : `${what} must be a node position from 1 to ${nodes} (the network has ${nodes} node${nodes === 1 ? '' : 's'})`;
}

const PARTY_MESSAGE = "a party: a lower-case name (as in alice) or 'miner of node N'";
const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

/** The lesson's first problem against the schema, or undefined if it has none. */
export function schemaProblem(value: unknown): Problem | undefined {
  const validate = validator();
  if (validate(value)) return undefined;
  const nodes = (value as { network?: { nodes?: unknown } } | null)?.network?.nodes;
  const known = typeof nodes === 'number' && Number.isInteger(nodes) && nodes >= 1 && nodes <= 16 ? nodes : undefined;
  const ranked = (validate.errors ?? [])
    // `if` only says a `then` failed, and a `propertyNames` only that its own `pattern` did.
    .filter((error) => error.keyword !== 'if' && error.keyword !== 'propertyNames')
    .map((error, order) => {
      const problem = describe(error, pathOf(error.instancePath, value), value, known);
      return { problem, order, rank: rankOf(problem.path, error, value) };
    });
  ranked.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2] || a.order - b.order);
  return ranked[0]?.problem ?? { path: [], message: 'the lesson does not match lessons/lesson.schema.json' };
}

/** The pointer's segments, with a list's indexes as numbers (they are told apart by walking the value). */
function pathOf(pointer: string, value: unknown): Path {
  const path: Path = [];
  let here = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment = Array.isArray(here) ? Number(key) : key;
    path.push(segment);
    here = (here as Record<string | number, unknown> | undefined)?.[segment];
  }
  return path;
}

/**
 * Sorted by: where in the file (the top's own fields in their order, then step by step), then what
 * is there before what is missing (a misspelt field is both unknown and, under its right name, absent).
 */
function rankOf(path: Path, error: ErrorObject, value: unknown): [number, number, number] {
  const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
  const top = path.length === 0 ? -1 : keys.indexOf(String(path[0]));
  const { step } = stepOf(path);
  return [top, step ?? 0, error.keyword === 'required' ? 1 : 0];
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((here, key) => (here as Record<string | number, unknown> | undefined)?.[key], value);
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function describe(error: ErrorObject, path: Path, value: unknown, nodes: number | undefined): Problem {
  const { step, within } = stepOf(path);
  const what = label(within) || (step === undefined ? 'the lesson' : 'the step');
  const action = step === undefined ? undefined : valueAt(value, ['steps', step, 'action']);
  const owner = step !== undefined && within.length === 0 && typeof action === 'string' ? `action '${action}'` : what;
  const here = valueAt(value, path);
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema as { title?: string; properties?: object; pattern?: string } | undefined;
  const at = (message: string): Problem => ({ path, message });
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      if (owner === 'the step' && missing === 'action') return at(`a step needs 'action' (one of ${stepActions(error).join(', ')})`);
      return at(`${owner === 'the step' ? 'a step' : owner} needs '${missing}'`);
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const expected = Object.keys(schema?.properties ?? {}).join(', ');
      return { path: [...path, extra], atKey: true, message: `${owner}: unknown field '${extra}' (expected ${expected})` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String).join(', ');
      if (step !== undefined && label(within) === 'action') return at(`unknown action ${shown(here)} (expected one of ${allowed})`);
      return at(`${what} must be one of ${allowed} (it is ${shown(here)})`);
    }
    case 'type': {
      const wanted = TYPE_NAMES[String(params.type)] ?? String(params.type);
      const why = here === null ? ' (it is empty)' : typeof here === 'number' && !Number.isFinite(here) ? ` (it is ${here})` : '';
      return at(`${what} must be ${wanted}${why}`);
    }
    case 'minimum':
    case 'maximum':
      if (schema?.title === 'node position') return at(positionMessage(what, nodes));
      return at(`${what} must be ${error.keyword === 'minimum' ? '≥' : '≤'} ${String(params.limit)}`);
    case 'exclusiveMinimum':
      return at(`${what} must be more than ${String(params.limit)}`);
    case 'minLength':
      return at(`${what} must not be empty`);
    case 'maxLength':
      return at(`${what} must be at most ${String(params.limit)} characters (it has ${String(here).length})`);
    case 'pattern':
      if (error.propertyName !== undefined)
        return {
          path: [...path, error.propertyName],
          atKey: true,
          message: `${what}: ${shown(error.propertyName)} is not ${PARTY_MESSAGE}`,
        };
      return at(schema?.pattern === '\\S' ? `${what} must not be blank` : `${what} must be ${PARTY_MESSAGE} (it is ${shown(here)})`);
    case 'minItems':
      return at(`${what} must list at least ${String(params.limit)}`);
    case 'maxItems':
    case 'maxProperties':
      return at(`${what} must have at most ${String(params.limit)} entries`);
    case 'minProperties': {
      // txMatch (node and one more) and balances.accounts (one account at least): an empty match would pass on anything.
      const fields = Object.keys(schema?.properties ?? {}).filter((key) => key !== 'node');
      return at(
        fields.length > 0
          ? `${what} needs one of ${fields.join(', ')} besides node: it would match anything`
          : `${what} must name at least one`,
      );
    }
    default:
      return at(`${what} ${error.message ?? 'does not match lessons/lesson.schema.json'}`);
  }
}

/** The actions a step may name, from the schema itself (the step's `properties.action.enum`). */
function stepActions(error: ErrorObject): string[] {
  const schema = error.parentSchema as { properties?: { action?: { enum?: string[] } } } | undefined;
  return schema?.properties?.action?.enum ?? [];
}
