import type { JsonSchema } from '@hearth/engine';
import type { GbnfJsonSchema } from 'node-llama-cpp';

/** Any JSON value, spelled in the subset node-llama-cpp's grammar builder understands. */
const ANY_JSON: JsonSchema = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'object', additionalProperties: true },
    { type: 'array' },
  ],
};

const STRING_FORMATS = new Set(['date-time', 'time', 'date']);
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * Rewrites a JSON Schema (as zod, LangChain or an OpenAI client writes it) into the subset that
 * node-llama-cpp turns into a grammar. Without this, keywords it does not know are silently read as
 * "null": `{}` (any value) and `anyOf` would both force the literal `null`.
 *
 * - `anyOf` becomes `oneOf`; a one-element `allOf` is inlined; `definitions` refs become `$defs` refs.
 * - `{}` / `true` become "any JSON value".
 * - An object with listed properties gets `additionalProperties: false` unless it names a schema for
 *   them, so a small model cannot wander into endless extra keys.
 * - Keywords the grammar cannot enforce (`pattern`, numeric bounds, unknown formats) are dropped; the
 *   caller validates the parsed value against the original schema when it needs them.
 */
export function toGbnfJsonSchema(schema: JsonSchema): GbnfJsonSchema {
  const defs = { ...asRecord(schema.$defs), ...asRecord(schema.definitions) };
  const converted = convert(schema);
  if (Object.keys(defs).length > 0) {
    converted.$defs = Object.fromEntries(Object.entries(defs).map(([key, value]) => [key, convert(value)]));
  }
  return converted as GbnfJsonSchema;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function convert(input: unknown): JsonSchema {
  if (input === true || input === undefined) return ANY_JSON;
  if (input === false)
    throw new TypeError('A JSON Schema of `false` matches nothing and cannot be generated');
  const schema = asRecord(input);
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};

  if (typeof schema.$ref === 'string') {
    return { $ref: schema.$ref.replace(/^#\/definitions\//, '#/$defs/'), ...description };
  }
  if ('const' in schema) return { const: schema.const, ...description };
  if (Array.isArray(schema.enum)) return { enum: schema.enum, ...description };
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) return { oneOf: alternatives.map(convert), ...description };
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    return convert({ ...schema, allOf: undefined, ...asRecord(schema.allOf[0]) });
  }

  const type = schema.type;
  if (Array.isArray(type)) {
    const scalars = type.filter((t) => SCALAR_TYPES.has(t as string));
    const structured = type.filter((t) => !SCALAR_TYPES.has(t as string));
    if (structured.length === 0) return { type: scalars, ...description };
    const parts = structured.map((t) => convert({ ...schema, type: t }));
    if (scalars.length > 0) parts.unshift({ type: scalars });
    return parts.length === 1 ? (parts[0] as JsonSchema) : { oneOf: parts, ...description };
  }
  switch (type) {
    case 'object':
      return convertObject(schema, description);
    case 'array': {
      const out: JsonSchema = { type: 'array', ...description };
      if (schema.items !== undefined) out.items = convert(schema.items);
      if (Array.isArray(schema.prefixItems)) out.prefixItems = schema.prefixItems.map(convert);
      if (typeof schema.minItems === 'number') out.minItems = schema.minItems;
      if (typeof schema.maxItems === 'number') out.maxItems = schema.maxItems;
      return out;
    }
    case 'string': {
      if (typeof schema.format === 'string' && STRING_FORMATS.has(schema.format)) {
        return { type: 'string', format: schema.format, ...description };
      }
      const out: JsonSchema = { type: 'string', ...description };
      if (typeof schema.minLength === 'number') out.minLength = schema.minLength;
      if (typeof schema.maxLength === 'number') out.maxLength = schema.maxLength;
      return out;
    }
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return { type, ...description };
    case undefined:
      if (schema.properties !== undefined) return convertObject(schema, description);
      return ANY_JSON;
    default:
      throw new TypeError(`Unsupported JSON Schema type ${JSON.stringify(type)}`);
  }
}

function convertObject(schema: Record<string, unknown>, description: JsonSchema): JsonSchema {
  const properties = asRecord(schema.properties);
  const names = Object.keys(properties);
  const out: JsonSchema = { type: 'object', ...description };
  if (names.length > 0) {
    out.properties = Object.fromEntries(names.map((name) => [name, convert(properties[name])]));
    out.required = Array.isArray(schema.required) ? schema.required : [];
  }
  const additional = schema.additionalProperties;
  if (typeof additional === 'object' && additional !== null) {
    out.additionalProperties = Object.keys(additional).length === 0 ? true : convert(additional);
  } else {
    out.additionalProperties = names.length === 0 ? additional !== false : false;
  }
  if (typeof schema.minProperties === 'number') out.minProperties = schema.minProperties;
  if (typeof schema.maxProperties === 'number') out.maxProperties = schema.maxProperties;
  return out;
}
