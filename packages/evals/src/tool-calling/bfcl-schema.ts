import type { JsonSchema, ToolSpec } from '@hearth/engine';
import type { BfclFunction, BfclParameterSchema } from './bfcl-types.js';

/** BFCL's python type names -> JSON Schema types. `any` has no type constraint. */
const jsonTypeOf: Record<string, string | undefined> = {
  dict: 'object',
  float: 'number',
  integer: 'integer',
  array: 'array',
  tuple: 'array',
  string: 'string',
  boolean: 'boolean',
  any: undefined,
  // Some BFCL files already use JSON Schema names.
  object: 'object',
  number: 'number',
};

/**
 * A BFCL parameter schema as JSON Schema: python type names become JSON Schema's (`dict` -> `object`,
 * `float` -> `number`, `tuple` -> `array`, `any` -> no type), recursively through properties and items.
 * Keys JSON Schema does not know (BFCL's `optional`, ...) are dropped so engines can compile the schema.
 */
export function bfclSchemaToJsonSchema(schema: BfclParameterSchema): JsonSchema {
  const out: JsonSchema = {};
  const type = schema.type === undefined ? undefined : jsonTypeOf[schema.type];
  if (type) out.type = type;
  if (typeof schema.description === 'string') out.description = schema.description;
  if (Array.isArray(schema.enum)) out.enum = schema.enum;
  if (schema.properties)
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, bfclSchemaToJsonSchema(property)]),
    );
  if (Array.isArray(schema.required) && schema.required.length > 0) out.required = schema.required;
  if (schema.items) out.items = bfclSchemaToJsonSchema(schema.items);
  return out;
}

/**
 * The name a function is offered under: BFCL names such as `math.factorial` have dots, which OpenAI-style
 * tool names may not, so every character outside `[A-Za-z0-9_-]` becomes `_` (as BFCL's own handlers do).
 */
export function toolNameFor(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** BFCL functions as tools, and a map from the offered names back to BFCL's. */
export function bfclTools(functions: readonly BfclFunction[]): {
  tools: ToolSpec[];
  originalName: Map<string, string>;
} {
  const originalName = new Map<string, string>();
  const tools = functions.map((fn) => {
    const name = toolNameFor(fn.name);
    originalName.set(name, fn.name);
    return {
      name,
      description: fn.description ?? '',
      parameters: { ...bfclSchemaToJsonSchema(fn.parameters), type: 'object' },
    };
  });
  return { tools, originalName };
}
