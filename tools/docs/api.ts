import type { OpenAPIV3_1 } from 'openapi-types';
import { OPENAPI } from '../../src/http/openapi.ts';

type Schema = OpenAPIV3_1.SchemaObject;
type SchemaOrRef = Schema | OpenAPIV3_1.ReferenceObject;
type Operation = OpenAPIV3_1.OperationObject;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SCHEMA_REF = '#/components/schemas/';

/** docs/api.md: every route the node serves, with its parameters, bodies and answers, from the OpenAPI document. */
export function apiMarkdown(): string {
  const operations = allOperations();
  return lines(
    '<!-- Generated from src/http/contract/ by `npm run docs`: edit the OpenAPI document there, not this file. -->',
    '',
    '# API',
    '',
    OPENAPI.info.description ?? '',
    '',
    'A node serves this description as an OpenAPI 3.1 document at `GET /openapi.json`; the tests hold every route and answer to it.',
    '',
    '| Route | What |',
    '| --- | --- |',
    ...operations.map(({ route, operation }) => `| [\`${route}\`](#${anchor(route)}) | ${cell(operation.summary ?? '')} |`),
    '',
    '## Headers',
    '',
    'Every response carries these headers:',
    '',
    ...headerLines(),
    '',
    ...OPENAPI.tags.flatMap((tag) => [
      `## ${tag.name}`,
      '',
      sentence(tag.description ?? ''),
      '',
      ...operations.filter(({ operation }) => operation.tags?.includes(tag.name)).flatMap(operationLines),
    ]),
    '## Schemas',
    '',
    'The bodies several routes share.',
    '',
    ...Object.entries(OPENAPI.components.schemas).flatMap(([name, schema]) => [`### ${name}`, '', ...schemaLines(schema)]),
  );
}

interface Documented {
  route: string;
  operation: Operation;
}

function allOperations(): Documented[] {
  return Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined ? [] : [{ route: `${method.toUpperCase()} ${path}`, operation }];
    }),
  );
}

/** The headers every documented answer carries, each with what it is for. */
function headerLines(): string[] {
  const [first = {}, ...rest] = allOperations().flatMap(({ operation }) =>
    Object.values(operation.responses ?? {}).map((response) => resolve<OpenAPIV3_1.ResponseObject>(response).headers ?? {}),
  );
  return Object.entries(first)
    .filter(([name]) => rest.every((headers) => name in headers))
    .map(([name, header]) => `- \`${name}\`: ${sentence(resolve<OpenAPIV3_1.HeaderObject>(header).description ?? '')}`);
}

function operationLines({ route, operation }: Documented): string[] {
  return [
    `### \`${route}\``,
    '',
    sentence(operation.summary ?? ''),
    ...(operation.description === undefined ? [] : ['', sentence(operation.description)]),
    '',
    ...parameterLines(operation),
    ...requestBodyLines(operation),
    ...responseLines(operation),
  ];
}

function parameterLines(operation: Operation): string[] {
  const parameters = (operation.parameters ?? []).map((parameter) => resolve<OpenAPIV3_1.ParameterObject>(parameter));
  if (parameters.length === 0) return [];
  return [
    'Parameters:',
    '',
    '| Parameter | In | Type | Required | What |',
    '| --- | --- | --- | --- | --- |',
    ...parameters.map(
      ({ name, in: where, required, schema, description }) =>
        `| \`${name}\` | ${where} | ${cell(typeName(schema as SchemaOrRef | undefined))} | ${required === true ? 'yes' : 'no'} | ${cell(description ?? '')} |`,
    ),
    '',
  ];
}

function requestBodyLines(operation: Operation): string[] {
  if (operation.requestBody === undefined) return [];
  const body = resolve<OpenAPIV3_1.RequestBodyObject>(operation.requestBody);
  return Object.entries(body.content).flatMap(([type, media]) => {
    const schema = media.schema;
    const named = schema !== undefined && '$ref' in schema ? ` a ${typeName(schema)},` : '';
    return [
      `Request body (${body.required === true ? 'required' : 'optional'}):${named} \`${type}\``,
      '',
      ...(schema === undefined ? [] : fieldLines(resolve<Schema>(schema))),
      ...exampleLines(schema === undefined ? undefined : resolve<Schema>(schema)),
    ];
  });
}

function exampleLines(schema: Schema | undefined): string[] {
  const examples = (schema?.examples ?? []) as unknown[];
  return examples.flatMap((example) => [`Example: \`${JSON.stringify(example)}\``, '']);
}

function responseLines(operation: Operation): string[] {
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => ({
    status,
    response: resolve<OpenAPIV3_1.ResponseObject>(response),
  }));
  const bodies = responses.flatMap(({ status, response }) => inlineBodies(status, response));
  return [
    'Responses:',
    '',
    '| Status | What | Body |',
    '| --- | --- | --- |',
    ...responses.map(
      ({ status, response }) =>
        `| ${status === 'default' ? 'any other' : status} | ${cell(response.description)} | ${cell(bodyName(response))} |`,
    ),
    '',
    ...bodies,
  ];
}

/** What a response's body is: its schema's name or type, with the media type when it is not JSON. */
function bodyName(response: OpenAPIV3_1.ResponseObject): string {
  const entries = Object.entries(response.content ?? {});
  if (entries.length === 0) return 'none';
  return entries.map(([type, media]) => (type === 'application/json' ? typeName(media.schema) : `\`${type}\``)).join(', ');
}

/** Field tables for the bodies declared in place (not by a schema of their own), below the responses table. */
function inlineBodies(status: string, response: OpenAPIV3_1.ResponseObject): string[] {
  const schema = response.content?.['application/json']?.schema;
  if (schema === undefined || '$ref' in schema) return [];
  if (schema.oneOf !== undefined) {
    return [`The ${status} body is one of:`, '', ...schema.oneOf.flatMap((option) => fieldLines(resolve<Schema>(option)))];
  }
  if (schema.properties === undefined || Object.keys(schema.properties).length === 0) return [];
  return [`The ${status} body:`, '', ...fieldLines(schema)];
}

/** A schema of the components: its description, then its fields or its type. */
function schemaLines(schema: Schema): string[] {
  const described = schema.description === undefined ? [] : [sentence(schema.description), ''];
  if (schema.properties !== undefined) return [...described, ...fieldLines(schema)];
  return [...described, `Type: ${typeName(schema)}.`, ''];
}

function fieldLines(schema: Schema): string[] {
  if (schema.properties === undefined) return [`Type: ${typeName(schema)}.`, ''];
  const required = new Set(schema.required ?? []);
  return [
    '| Field | Type | Required | What |',
    '| --- | --- | --- | --- |',
    ...Object.entries(schema.properties).map(([name, property]) => {
      return `| \`${name}\` | ${cell(typeName(property))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(property.description ?? '')} |`;
    }),
    '',
  ];
}

/** A schema in a few words: `[Block](#block)`, `array of string`, `integer from 1 to 16`. */
function typeName(schema: SchemaOrRef | undefined): string {
  if (schema === undefined) return 'any';
  if ('$ref' in schema) {
    if (!schema.$ref.startsWith(SCHEMA_REF)) throw new Error(`api.md renders references to schemas only, not ${schema.$ref}`);
    const name = schema.$ref.slice(SCHEMA_REF.length);
    return `[${name}](#${anchor(name)})`;
  }
  if (schema.oneOf !== undefined) return `one of: ${schema.oneOf.map((option) => typeName(option)).join('; ')}`;
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum !== undefined) return `one of ${schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(', ')}`;
  const types = [schema.type ?? 'any'].flat();
  if (types.length === 1 && types[0] === 'array' && 'items' in schema && schema.items !== undefined)
    return `array of ${typeName(schema.items)}`;
  if (types.length === 1 && types[0] === 'object' && schema.properties !== undefined)
    return `object: {${Object.keys(schema.properties).join(', ')}}`;
  return [types.join(' or '), ...constraints(schema)].join(' ');
}

function constraints(schema: Schema): string[] {
  const { minimum, maximum, minLength, pattern } = schema;
  const range =
    minimum !== undefined && maximum !== undefined
      ? [`from ${minimum} to ${maximum}`]
      : minimum !== undefined
        ? [`from ${minimum}`]
        : maximum !== undefined
          ? [`up to ${maximum}`]
          : [];
  const length = minLength === undefined ? [] : [minLength === 1 ? '(not empty)' : `of at least ${minLength} characters`];
  return [...range, ...length, ...(pattern === undefined ? [] : [`matching \`${pattern}\``])];
}

/** Follows a `#/components/...` reference within the document. */
function resolve<T>(value: T | OpenAPIV3_1.ReferenceObject): T {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return value;
  const target = value.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], OPENAPI);
  if (target === undefined) throw new Error(`unresolved ${value.$ref}`);
  return resolve(target as T | OpenAPIV3_1.ReferenceObject);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const sentence = (text: string): string => (text === '' || /[.!?]$/.test(text) ? text : `${text}.`);

const cell = (markdown: string): string => markdown.replaceAll('|', '\\|').replaceAll('\n', ' ');

const lines = (...all: string[]): string => all.join('\n').replace(/\n{3,}/g, '\n\n');
