import type { JsonSchema } from '@hearth/engine';
import { z } from 'zod';
import { advertiseJsonSchema, responseJsonSchema } from '../generate-object.js';
import { toolInputJsonSchema } from '../tools/tool-schema.js';
import type { ToolDefinition } from '../tools/tool-types.js';

/** One constrained step: exactly one tool call, or the final answer. */
export type ConstrainedStep =
  | { action: 'call_tool'; tool: string; args: Record<string, unknown> }
  | { action: 'final_answer'; answer: unknown };

/**
 * The union every constrained step is decoded under: one branch per tool ("call tool X with
 * arguments valid for X") plus "final answer" (valid for the agent's output schema). With
 * `finalOnly`, only the final-answer branch (used when the step budget is spent). Arguments are
 * decoded under the tool's JSON Schema but checked when the call runs, so a bad argument reaches the
 * model as a tool error; the answer is checked here.
 */
export function constrainedStep(
  tools: readonly ToolDefinition[],
  output: z.ZodType,
  options: { finalOnly?: boolean } = {},
): z.ZodType<ConstrainedStep> {
  const final = z.strictObject({ action: z.literal('final_answer'), answer: output });
  const calls = options.finalOnly
    ? []
    : tools.map((tool) =>
        z.strictObject({
          action: z.literal('call_tool'),
          tool: z.literal(tool.name),
          args: advertiseJsonSchema(z.record(z.string(), z.unknown()), toolInputJsonSchema(tool)),
        }),
      );
  return (calls.length === 0 ? final : z.union([...calls, final])) as z.ZodType<ConstrainedStep>;
}

/** The JSON Schema a constrained step is decoded under (what `generateObject` sends for `constrainedStep`). */
export function constrainedStepSchema(
  tools: readonly ToolDefinition[],
  output: z.ZodType,
  options: { finalOnly?: boolean } = {},
): JsonSchema {
  return responseJsonSchema(constrainedStep(tools, output, options));
}
