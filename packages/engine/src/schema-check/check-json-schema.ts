import { patternProblem } from './check-pattern.js';
import { JsonSchemaError } from './json-schema-error.js';
import { schemaLimits } from './limits.js';

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
/** Keywords that only describe: accepted and ignored by the grammar. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'format',
  'contentEncoding',
  'contentMediaType',
  'nullable',
]);
const SUBSCHEMA_MAPS = new Set(['properties', '$defs', 'definitions']);
const SUBSCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SINGLE_SUBSCHEMAS = new Set(['items', 'additionalProperties', 'propertyNames']);
const MIN_COUNTS = new Set(['minLength', 'minItems', 'minProperties']);
const MAX_COUNTS = new Set(['maxLength', 'maxItems', 'maxProperties']);
const NUMERIC_BOUNDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
const OTHER = new Set(['type', 'required', 'enum', 'const', 'pattern', '$ref']);

/** The keywords `checkJsonSchema` accepts. */
export const supportedSchemaKeywords: readonly string[] = [
  ...OTHER,
  ...SUBSCHEMA_MAPS,
  ...SUBSCHEMA_LISTS,
  ...SINGLE_SUBSCHEMAS,
  ...MIN_COUNTS,
  ...MAX_COUNTS,
  ...NUMERIC_BOUNDS,
  ...ANNOTATIONS,
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a JSON Schema against the subset Hearth turns into grammars, before any engine sees it:
 * `type`, `properties`, `required`, `items`/`prefixItems`, `additionalProperties`, `enum`, `const`,
 * `anyOf`/`oneOf`/`allOf`, numeric bounds up to 2^53, `min*` up to 500 and `max*` up to 2000,
 * anchored `pattern`s without nested quantifiers or backreferences (see `patternProblem`), local
 * `$ref`s into `$defs`/`definitions` that do not recurse, annotations; at most 64 KiB of JSON and
 * 24 levels deep. Anything else is refused, naming where.
 *
 * @param where names the schema in the message (`responseFormat.schema`, `tools[0].parameters`).
 * @throws JsonSchemaError naming the path in the schema and what is wrong.
 */
export function checkJsonSchema(schema: unknown, where: string): void {
  let json: string;
  try {
    json = JSON.stringify(schema);
  } catch (error) {
    throw new JsonSchemaError(where, '', `the schema is not plain JSON (${(error as Error).message})`);
  }
  if (json === undefined || !isObject(schema))
    throw new JsonSchemaError(where, '', 'the schema must be a JSON object');
  if (json.length > schemaLimits.maxJsonChars) {
    throw new JsonSchemaError(
      where,
      '',
      `the schema is ${json.length} characters of JSON; at most ${schemaLimits.maxJsonChars} are accepted`,
    );
  }
  const fail: (path: string[], problem: string) => never = (path, problem) => {
    throw new JsonSchemaError(where, path.join('.'), problem);
  };
  const resolving: string[] = [];
  const resolved = new Set<string>();

  const resolveRef = (ref: unknown, path: string[]): void => {
    if (typeof ref !== 'string') fail(path, '$ref must be a string');
    const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
    if (!match) {
      fail(path, `$ref ${JSON.stringify(ref)} is not supported; only local "#/$defs/<name>" references are`);
    }
    if (resolving.includes(ref)) {
      fail(
        path,
        `$ref ${JSON.stringify(ref)} is recursive (${[...resolving, ref].join(' -> ')}); recursive schemas are not supported`,
      );
    }
    if (resolved.has(ref)) return;
    const defs = schema[match[1] as string];
    const target = isObject(defs)
      ? defs[
          decodeURIComponent(match[2] as string)
            .replace(/~1/g, '/')
            .replace(/~0/g, '~')
        ]
      : undefined;
    if (!isObject(target)) fail(path, `$ref ${JSON.stringify(ref)} points at nothing`);
    resolving.push(ref);
    visit(target, [ref], resolving.length);
    resolving.pop();
    resolved.add(ref);
  };

  const visit = (node: unknown, path: string[], depth: number): void => {
    if (typeof node === 'boolean') return;
    if (!isObject(node)) fail(path, 'a subschema must be an object or a boolean');
    if (depth + path.length > schemaLimits.maxDepth) {
      fail(path, `the schema nests deeper than ${schemaLimits.maxDepth} levels`);
    }
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key];
      if (ANNOTATIONS.has(key)) continue;
      if (key === 'type') {
        const types = Array.isArray(value) ? value : [value];
        if (types.length === 0 || types.some((type) => typeof type !== 'string' || !TYPES.has(type))) {
          fail(at, `type ${JSON.stringify(value)} is not one of ${[...TYPES].join(', ')}`);
        }
      } else if (SUBSCHEMA_MAPS.has(key)) {
        if (!isObject(value)) fail(at, `${key} must be an object of schemas`);
        const entries = Object.entries(value as object);
        if (entries.length > schemaLimits.maxBranches) {
          fail(at, `${key} has ${entries.length} entries; at most ${schemaLimits.maxBranches} are accepted`);
        }
        // $defs are checked where they are referenced, so an unused recursive definition is harmless.
        if (key === 'properties') for (const [name, sub] of entries) visit(sub, [...at, name], depth);
      } else if (SUBSCHEMA_LISTS.has(key)) {
        if (!Array.isArray(value) || value.length === 0)
          fail(at, `${key} must be a non-empty array of schemas`);
        if ((value as unknown[]).length > schemaLimits.maxBranches) {
          fail(
            at,
            `${key} has ${(value as unknown[]).length} entries; at most ${schemaLimits.maxBranches} are accepted`,
          );
        }
        for (const [index, sub] of (value as unknown[]).entries()) visit(sub, [...at, String(index)], depth);
      } else if (SINGLE_SUBSCHEMAS.has(key)) {
        visit(value, at, depth);
      } else if (MIN_COUNTS.has(key) || MAX_COUNTS.has(key)) {
        const limit = MIN_COUNTS.has(key) ? schemaLimits.maxMinCount : schemaLimits.maxMaxCount;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
          fail(at, `${key} must be a non-negative integer`);
        }
        if ((value as number) > limit) fail(at, `${key} is ${value}; at most ${limit} is supported`);
      } else if (NUMERIC_BOUNDS.has(key)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(at, `${key} must be a finite number`);
        if (Math.abs(value as number) > schemaLimits.maxAbsBound) {
          fail(
            at,
            `${key} is ${value}; bounds beyond +-${schemaLimits.maxAbsBound} (2^53 - 1) are not supported`,
          );
        }
      } else if (key === 'required') {
        if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
          fail(at, 'required must be an array of property names');
        }
      } else if (key === 'enum') {
        if (!Array.isArray(value) || value.length === 0) fail(at, 'enum must be a non-empty array');
        if ((value as unknown[]).length > schemaLimits.maxBranches) {
          fail(
            at,
            `enum has ${(value as unknown[]).length} values; at most ${schemaLimits.maxBranches} are accepted`,
          );
        }
      } else if (key === 'const') {
        // Any JSON value; its size is bounded by the schema's size.
      } else if (key === 'pattern') {
        if (typeof value !== 'string') fail(at, 'pattern must be a string');
        const problem = patternProblem(value as string);
        if (problem) fail(at, problem);
      } else if (key === '$ref') {
        resolveRef(value, at);
      } else {
        fail(
          at,
          `keyword "${key}" is not supported; supported keywords: ${supportedSchemaKeywords.join(', ')}`,
        );
      }
    }
  };
  visit(schema, [], 0);
}
