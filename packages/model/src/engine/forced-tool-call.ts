import type { GenerateRequest, JsonSchema, ToolSpec } from '@hearth/engine';
import { ToolChoiceError } from '../errors/tool-choice-error.js';

/**
 * The tools a forced call must pick from: all of them for `toolChoice: 'required'`, the named one
 * for `{name}`; `undefined` when the model may answer freely (`auto`, `none`, or no tools).
 *
 * @throws ToolChoiceError when `toolChoice` names a tool the request does not have.
 */
export function forcedTools(request: GenerateRequest): readonly ToolSpec[] | undefined {
  const choice = request.toolChoice;
  const tools = request.tools ?? [];
  if (typeof choice === 'object') {
    const named = tools.find((tool) => tool.name === choice.name);
    if (!named)
      throw new ToolChoiceError(
        choice.name,
        tools.map((tool) => tool.name),
      );
    return [named];
  }
  return choice === 'required' && tools.length > 0 ? tools : undefined;
}

/**
 * JSON schema of "one call of one of these tools": `{name: <tool>, arguments: <its parameters>}`.
 * Forced calls are decoded under it: llama.cpp's Gemma 4 grammar lets the model write any text
 * before a call (and leaves argument keys free), and node-llama-cpp's function calling can decline
 * to call, so every local engine constrains the whole reply to this schema instead.
 */
export function forcedToolCallSchema(tools: readonly ToolSpec[]): JsonSchema {
  const variants = tools.map((tool) => ({
    type: 'object',
    properties: { name: { const: tool.name }, arguments: tool.parameters },
    required: ['name', 'arguments'],
    additionalProperties: false,
  }));
  return variants.length === 1 ? (variants[0] as JsonSchema) : { anyOf: variants };
}
