/**
 * Holds requests and answers to the OpenAPI document (src/http/openapi.ts) with ajv: the document's
 * schemas are JSON Schema 2020-12 (OpenAPI 3.1), compiled once each, `$ref`s resolved within the
 * document. Any test that calls the node can say `expectMatchesContract(method, path, status, body)`.
 */
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OPENAPI } from '../../src/http/openapi.ts';

/** The id the document is registered under, so that `#/components/...` resolves within it. */
const DOCUMENT_ID = 'chainlab-openapi.json';

/** The document's own fields: to ajv, keywords with nothing to check (it compiles only the schemas within). */
const DOCUMENT_FIELDS = ['openapi', 'info', 'tags', 'paths', 'components'];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Method = (typeof METHODS)[number];

function createAjv(): Ajv2020 {
  // strict: a keyword ajv does not know (a typo such as `minlenght`) fails the compile instead of checking nothing.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  for (const keyword of DOCUMENT_FIELDS) ajv.addKeyword(keyword);
  ajv.addSchema({ ...OPENAPI, $id: DOCUMENT_ID });
  return ajv;
}

let shared: Ajv2020 | undefined;
const ajv = (): Ajv2020 => (shared ??= createAjv());

/** Where a value sits in the document, as the segments of a JSON pointer. */
type Location = (string | number)[];

const pointer = (at: Location): string =>
  `${DOCUMENT_ID}#${at.map((segment) => `/${encodeURIComponent(String(segment).replaceAll('~', '~0').replaceAll('/', '~1'))}`).join('')}`;

function valueAt(at: Location): unknown {
  return at.reduce<unknown>((value, segment) => (value as Record<string | number, unknown> | undefined)?.[segment], OPENAPI);
}

/** Follows `$ref`s from `at` to what they name: the location of the object itself. */
function resolved(at: Location): Location {
  const value = valueAt(at) as { $ref?: unknown } | undefined;
  if (value === undefined) throw new Error(`nothing at ${pointer(at)}`);
  if (typeof value.$ref !== 'string') return at;
  if (!value.$ref.startsWith('#/')) throw new Error(`${pointer(at)}: only references within the document are supported, not ${value.$ref}`);
  return resolved(
    value.$ref
      .slice(2)
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~')),
  );
}

/** `path`'s template in the document (`/blocks/{index}` for `/blocks/7`), ignoring a query string. */
function templateOf(path: string): string | undefined {
  const bare = path.replace(/\?.*$/, '');
  if (OPENAPI.paths[bare] !== undefined) return bare;
  const segments = bare.split('/');
  return Object.keys(OPENAPI.paths).find((template) => {
    const parts = template.split('/');
    return parts.length === segments.length && parts.every((part, i) => /^\{[^}]+\}$/.test(part) || part === segments[i]);
  });
}

function operationAt(method: string, path: string): Location {
  const lower = method.toLowerCase() as Method;
  const template = templateOf(path);
  if (template === undefined || !METHODS.includes(lower) || OPENAPI.paths[template]?.[lower] === undefined) {
    throw new Error(`${method.toUpperCase()} ${path} is not in the OpenAPI document`);
  }
  return ['paths', template, lower];
}

/** The violations of the schema at `at` by `value`, as `$.field: what is wrong`; none when it conforms. */
function violationsOf(at: Location, value: unknown): string[] {
  const ref = pointer(at);
  // ajv compiles a schema the first time it is asked for it by this key and keeps it.
  const validate = ajv().getSchema(ref);
  if (validate === undefined) throw new Error(`no schema at ${ref}`);
  return validate(value) ? [] : (validate.errors ?? []).map(asViolation);
}

const asViolation = ({ instancePath, message, params }: ErrorObject): string =>
  `$${instancePath.replaceAll('/', '.')}: ${message ?? 'is not valid'}${'allowedValues' in params ? ` ${JSON.stringify(params.allowedValues)}` : ''}`;

/** The media type a response or body is checked as: JSON when it has it, else its only one. */
function mediaOf(at: Location): string | undefined {
  const content = (valueAt(at) as { content?: Record<string, unknown> }).content ?? {};
  const types = Object.keys(content);
  return types.includes('application/json') ? 'application/json' : types.length === 1 ? types[0] : undefined;
}

/** How `body`, answered with `status` to `method path`, departs from the document; empty when it conforms. */
export function responseViolations(method: string, path: string, status: number, body: unknown): string[] {
  const operation = operationAt(method, path);
  const responses = valueAt([...operation, 'responses']) as Record<string, unknown>;
  const key = String(status) in responses ? String(status) : 'default';
  if (!(key in responses)) return [`status ${status} is not documented`];
  const response = resolved([...operation, 'responses', key]);
  const media = mediaOf(response);
  if (media === undefined) return body === undefined ? [] : [`status ${status} is documented without a body`];
  return violationsOf([...response, 'content', media, 'schema'], body);
}

/** How a request (its query string and JSON body) departs from the document; empty when it conforms. */
export function requestViolations(method: string, path: string, body?: unknown): string[] {
  const operation = operationAt(method, path);
  return [...queryViolations(operation, new URLSearchParams(path.replace(/^[^?]*\??/, ''))), ...bodyViolations(operation, body)];
}

function queryViolations(operation: Location, query: URLSearchParams): string[] {
  const parameters = (valueAt([...operation, 'parameters']) ?? []) as unknown[];
  const documented = new Set<string>();
  const violations = parameters.flatMap((_, i) => {
    const at = resolved([...operation, 'parameters', i]);
    const { name, in: where, required } = valueAt(at) as { name: string; in: string; required?: boolean };
    if (where !== 'query') return [];
    documented.add(name);
    const value = query.get(name);
    if (value === null) return required === true ? [`?${name}: missing`] : [];
    return violationsOf([...at, 'schema'], asQueryValue(valueAt([...at, 'schema']), value)).map(
      (violation) => `?${name}${violation.slice(1)}`,
    );
  });
  const unknown = [...query.keys()].filter((name) => !documented.has(name)).map((name) => `?${name}: not a documented parameter`);
  return [...violations, ...unknown];
}

/** A query value as its schema reads it: `?from=2` is the integer 2 to `{type: integer}`. */
function asQueryValue(schema: unknown, value: string): unknown {
  const { type } = (schema ?? {}) as { type?: unknown };
  const numeric = type === 'integer' || type === 'number';
  return numeric && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value) ? Number(value) : value;
}

function bodyViolations(operation: Location, body: unknown): string[] {
  if (valueAt([...operation, 'requestBody']) === undefined) return body === undefined ? [] : ['the route takes no body'];
  const requestBody = resolved([...operation, 'requestBody']);
  const { required } = valueAt(requestBody) as { required?: boolean };
  if (body === undefined) return required === true ? ['the body is missing'] : [];
  const media = mediaOf(requestBody);
  if (media === undefined) throw new Error(`${pointer(requestBody)}: no media type to check a body against`);
  return violationsOf([...requestBody, 'content', media, 'schema'], body);
}

/** Expects `body`, answered with `status` to `method path` (a query string is fine), to be what the document says. */
export function expectMatchesContract(method: string, path: string, status: number, body: unknown): void {
  const route = `${method.toUpperCase()} ${path} ${status}`;
  expect({ route, violations: responseViolations(method, path, status, body) }).toEqual({ route, violations: [] });
}

/** Expects a request (its query string and JSON body, if any) to be one the document describes. */
export function expectRequestMatchesContract(method: string, path: string, body?: unknown): void {
  const route = `${method.toUpperCase()} ${path}`;
  expect({ route, violations: requestViolations(method, path, body) }).toEqual({ route, violations: [] });
}

/**
 * Compiles every schema of the document (its parameters, bodies and answers) and names each: a
 * `$ref` that resolves to nothing, or a keyword ajv does not know, throws.
 */
export function compileEverySchema(): string[] {
  return Object.entries(OPENAPI.paths).flatMap(([template, item]) =>
    METHODS.filter((method) => item[method] !== undefined).flatMap((method) => {
      const operation: Location = ['paths', template, method];
      const parameters = (valueAt([...operation, 'parameters']) ?? []) as unknown[];
      const locations = [
        ...parameters.map((_, i) => [...resolved([...operation, 'parameters', i]), 'schema']),
        ...(item[method]?.requestBody === undefined ? [] : [mediaSchema(resolved([...operation, 'requestBody']))]),
        ...Object.keys(item[method]?.responses ?? {}).map((status) => mediaSchema(resolved([...operation, 'responses', status]))),
      ].filter((at): at is Location => at !== undefined);
      return locations.map((at) => {
        if (ajv().getSchema(pointer(at)) === undefined) throw new Error(`no schema at ${pointer(at)}`);
        return `${method.toUpperCase()} ${template}: ${pointer(at)}`;
      });
    }),
  );
}

function mediaSchema(at: Location): Location | undefined {
  const media = mediaOf(at);
  return media === undefined ? undefined : [...at, 'content', media, 'schema'];
}
