import type { ToolDefinition, ToolResult } from '@hearth/core';
import { defineTool, normalizeToolOutput, ToolRegistry, toolInputJsonSchema } from '@hearth/core';
import { DynamicStructuredTool, type StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';
import { bytesToBase64 } from './media-base64.js';

type LangChainContentBlock =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'audio'; source_type: 'base64'; data: string; mime_type: string };

/** A `ToolResult` as LangChain message content: a string for text-only results, blocks when media is present. */
export function toolResultToLangChainContent(result: ToolResult): string | LangChainContentBlock[] {
  if (result.content.every((item) => item.type === 'text'))
    return result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
  return result.content.map((item): LangChainContentBlock => {
    if (item.type === 'image')
      return {
        type: 'image_url',
        image_url: { url: `data:${item.mimeType};base64,${bytesToBase64(item.bytes)}` },
      };
    if (item.type === 'audio')
      return {
        type: 'audio',
        source_type: 'base64',
        data: bytesToBase64(item.bytes),
        mime_type: item.mimeType,
      };
    if (item.type === 'text') return { type: 'text', text: item.text };
    return { type: 'text', text: item.resource.text ?? `[resource ${item.resource.uri}]` };
  });
}

/**
 * A Hearth tool as a LangChain `StructuredTool` (response format `content_and_artifact`: the content
 * is text or image/audio blocks, the artifact the full `ToolResult`). Runs through a registry so
 * validation, time limits and cancellation behave as everywhere else.
 */
export function toLangChainTool(tool: ToolDefinition): DynamicStructuredTool {
  const registry = new ToolRegistry([tool]);
  return new DynamicStructuredTool({
    name: tool.name,
    description: tool.description,
    schema: toolInputJsonSchema(tool),
    responseFormat: 'content_and_artifact',
    func: async (input: unknown, _runManager, config) => {
      const result = await registry.call(tool.name, input, config?.signal ? { signal: config.signal } : {});
      if (result.isError) throw new Error(toolResultToLangChainContent(result).toString());
      return [toolResultToLangChainContent(result), result];
    },
  });
}

/** A LangChain tool as a Hearth tool (its zod schema is kept; a JSON-Schema one is compiled with zod). */
export function fromLangChainTool(tool: StructuredToolInterface): ToolDefinition {
  const schema = tool.schema as unknown;
  const isZod = schema instanceof z.ZodType;
  const jsonSchema = isZod ? undefined : (schema as Record<string, unknown>);
  return defineTool({
    name: tool.name,
    description: tool.description,
    input: isZod
      ? (schema as z.ZodType)
      : z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]),
    ...(jsonSchema ? { inputJsonSchema: jsonSchema } : {}),
    run: async (input, context) => {
      const output: unknown = await tool.invoke(input as Record<string, unknown>, { signal: context.signal });
      const content =
        typeof output === 'object' && output !== null && 'content' in output
          ? (output as { content: unknown }).content
          : output;
      return normalizeToolOutput(content);
    },
  });
}
