import type { JsonSchema } from '@hearth/engine';
import { z } from 'zod';
import { toolInputJsonSchema } from '../tools/tool-schema.js';
import type { ToolDefinition } from '../tools/tool-types.js';

/**
 * Caps every string and array a schema leaves unbounded. A small model decoding under a grammar can
 * keep a string open for thousands of tokens; with caps, every constrained step ends well inside
 * `maxTokens`, so its JSON is always complete.
 */
export function boundSchema(schema: JsonSchema, limits = { maxLength: 400, maxItems: 8 }): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      // `const`/`enum`/`default`/`examples` hold values, not schemas.
      copy[key] = ['const', 'enum', 'default', 'examples'].includes(key) ? value : visit(value);
    }
    const types = Array.isArray(copy.type) ? copy.type : [copy.type];
    if (
      types.includes('string') &&
      copy.maxLength === undefined &&
      copy.enum === undefined &&
      copy.const === undefined
    )
      copy.maxLength = limits.maxLength;
    if (types.includes('array') && copy.maxItems === undefined) copy.maxItems = limits.maxItems;
    return copy;
  };
  return visit(schema) as JsonSchema;
}

/** JSON Schema of a zod schema, without the `$schema` header engines do not need. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** One constrained step: exactly one tool call, or the final answer. */
export type ConstrainedStep =
  | { action: 'call_tool'; tool: string; args: Record<string, unknown> }
  | { action: 'final_answer'; answer: unknown };

/**
 * The union every constrained step is decoded under: one branch per tool ("call tool X with
 * arguments valid for X") plus "final answer" (valid for the agent's output schema). With
 * `finalOnly`, only the final-answer branch (used when the step budget is spent).
 */
export function constrainedStepSchema(
  tools: readonly ToolDefinition[],
  output: z.ZodType,
  options: { finalOnly?: boolean } = {},
): JsonSchema {
  const final = {
    type: 'object',
    properties: { action: { const: 'final_answer' }, answer: jsonSchemaOf(output) },
    required: ['action', 'answer'],
    additionalProperties: false,
  };
  const calls = options.finalOnly
    ? []
    : tools.map((tool) => ({
        type: 'object',
        properties: {
          action: { const: 'call_tool' },
          tool: { const: tool.name },
          args: toolInputJsonSchema(tool),
        },
        required: ['action', 'tool', 'args'],
        additionalProperties: false,
      }));
  return boundSchema(calls.length === 0 ? final : { anyOf: [...calls, final] });
}

/** Parses a constrained step's text; returns a readable problem instead of throwing. */
export function parseConstrainedStep(text: string): ConstrainedStep | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `the reply is not complete JSON (${(error as Error).message})` };
  }
  const step = value as Partial<Record<'action' | 'tool' | 'args' | 'answer', unknown>>;
  if (
    step?.action === 'call_tool' &&
    typeof step.tool === 'string' &&
    typeof step.args === 'object' &&
    step.args
  )
    return { action: 'call_tool', tool: step.tool, args: step.args as Record<string, unknown> };
  if (step?.action === 'final_answer' && 'answer' in step)
    return { action: 'final_answer', answer: step.answer };
  return { problem: 'the reply must be {"action":"call_tool",...} or {"action":"final_answer",...}' };
}
