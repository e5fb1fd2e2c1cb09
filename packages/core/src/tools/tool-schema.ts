import type { ContentPart, JsonSchema, ToolSpec } from '@hearth/engine';
import { z } from 'zod';
import { checkpointableBytes } from '../media.js';
import type { ToolDefinition, ToolResult } from './tool-types.js';

/** The JSON Schema advertised for a tool's arguments: `inputJsonSchema` as given, else zod's (an object schema). */
export function toolInputJsonSchema(tool: ToolDefinition): JsonSchema {
  // A hand-written schema (remote tools, LangChain tools) is passed on verbatim, `$schema` included;
  // zod's own `$schema` line is noise for models and clients.
  if (tool.inputJsonSchema) return tool.inputJsonSchema;
  const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _ignored, ...rest } = schema;
  return rest.type === 'object' ? rest : { type: 'object', properties: {}, ...rest };
}

/** The Engine `ToolSpec` for a tool: what the model sees (name, description, JSON Schema). */
export function toolSpecFromDefinition(tool: ToolDefinition): ToolSpec {
  return { name: tool.name, description: tool.description, parameters: toolInputJsonSchema(tool) };
}

/** An Engine message part made from a tool result: media parts always carry bytes and a MIME type. */
export type ToolMessagePart =
  | Extract<ContentPart, { type: 'text' }>
  | { type: 'image'; image: Uint8Array; mimeType: string }
  | { type: 'audio'; audio: Uint8Array; mimeType: string };

/**
 * Turns a tool result into Engine message parts: text stays text, images and audio become media parts
 * (their bytes and MIME type, as the tool gave them) so the model sees a screenshot rather than a
 * description of it. Embedded text resources become text; binary resources become media parts when
 * they are images or audio.
 */
export function toolResultToMessageContent(result: ToolResult): ToolMessagePart[] {
  const parts: ToolMessagePart[] = [];
  if (result.isError) parts.push({ type: 'text', text: 'The tool failed:' });
  for (const item of result.content) {
    if (item.type === 'text') parts.push({ type: 'text', text: item.text });
    else if (item.type === 'image')
      parts.push({ type: 'image', image: checkpointableBytes(item.bytes), mimeType: item.mimeType });
    else if (item.type === 'audio')
      parts.push({ type: 'audio', audio: checkpointableBytes(item.bytes), mimeType: item.mimeType });
    else {
      const { uri, mimeType, text, bytes } = item.resource;
      if (text !== undefined) parts.push({ type: 'text', text: `[${uri}]\n${text}` });
      else if (bytes !== undefined && mimeType?.startsWith('image/'))
        parts.push({ type: 'image', image: checkpointableBytes(bytes), mimeType });
      else if (bytes !== undefined && mimeType?.startsWith('audio/'))
        parts.push({ type: 'audio', audio: checkpointableBytes(bytes), mimeType });
      else parts.push({ type: 'text', text: `[resource ${uri} (${mimeType ?? 'unknown type'})]` });
    }
  }
  if (parts.length === 0) parts.push({ type: 'text', text: '' });
  return parts;
}
