import { z } from 'zod';
import { InvalidToolError } from '../errors/invalid-tool-error.js';
import { ToolResultError } from '../errors/tool-result-error.js';
import { takeMediaOut } from '../media.js';
import type { ToolDefinition, ToolResult, ToolResultContent } from './tool-types.js';

const toolMarker = Symbol.for('hearth.tool');
/** Tool names as model tool-call formats and MCP clients accept them. */
const toolNamePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * Declares a tool: a name, a description the model reads, a zod input schema and a `run` function.
 * `run` may return a string (text), any JSON value (text + `structuredContent`), or a `ToolResult`
 * (for images and audio). Throws `InvalidToolError` when the definition is malformed.
 */
export function defineTool<Input extends z.ZodType, Output extends z.ZodType = z.ZodType>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  if (typeof definition.name !== 'string' || !toolNamePattern.test(definition.name))
    throw new InvalidToolError(
      'TOOL_INVALID',
      `Tool name ${JSON.stringify(definition.name)} is invalid: use 1-64 letters, digits, "_", "-" or ".", starting with a letter.`,
    );
  if (typeof definition.description !== 'string' || definition.description.trim() === '')
    throw new InvalidToolError(
      'TOOL_INVALID',
      `Tool "${definition.name}" needs a non-empty description (the model reads it).`,
    );
  if (!(definition.input instanceof z.ZodType))
    throw new InvalidToolError(
      'TOOL_INVALID',
      `Tool "${definition.name}": "input" must be a zod schema, e.g. z.object({...}).`,
    );
  if (typeof definition.run !== 'function')
    throw new InvalidToolError('TOOL_INVALID', `Tool "${definition.name}": "run" must be a function.`);
  if (
    definition.timeoutMs !== undefined &&
    !(Number.isFinite(definition.timeoutMs) && definition.timeoutMs > 0)
  )
    throw new InvalidToolError(
      'TOOL_INVALID',
      `Tool "${definition.name}": "timeoutMs" must be a positive number of milliseconds.`,
    );
  const effectKeys = ['readsFiles', 'writes', 'runs', 'network'];
  if (
    definition.effects !== undefined &&
    (typeof definition.effects !== 'object' ||
      definition.effects === null ||
      Object.entries(definition.effects).some(
        ([key, value]) => !effectKeys.includes(key) || typeof value !== 'boolean',
      ))
  )
    throw new InvalidToolError(
      'TOOL_INVALID',
      `Tool "${definition.name}": "effects" must be an object of booleans with keys ${effectKeys.join(', ')}, e.g. { writes: true }.`,
    );
  Object.defineProperty(definition, toolMarker, { value: true, enumerable: false });
  return definition;
}

/** True for values made by `defineTool` (how tool modules are recognised when loaded from a directory). */
export function isToolDefinition(value: unknown): value is ToolDefinition {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[toolMarker] === true
  );
}

function isContent(value: unknown): value is ToolResultContent {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  if (item.type === 'text') return typeof item.text === 'string';
  if (item.type === 'image' || item.type === 'audio')
    return item.bytes instanceof Uint8Array && typeof item.mimeType === 'string';
  if (item.type === 'resource') return typeof item.resource === 'object' && item.resource !== null;
  return false;
}

/** True when a value already has the `ToolResult` shape (a `content` array of known parts). */
export function isToolResult(value: unknown): value is ToolResult {
  if (typeof value !== 'object' || value === null) return false;
  const content = (value as { content?: unknown }).content;
  return Array.isArray(content) && content.every(isContent);
}

/**
 * Refuses media in the shape tools returned before media became bytes (`data` holding base64): left
 * alone, such a result is not recognised and would reach the model as JSON text.
 * @throws ToolResultError naming the content item and the helper to call instead.
 */
function refuseBase64Media(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const content = (value as { content?: unknown }).content;
  if (!Array.isArray(content)) return;
  content.forEach((item: Record<string, unknown> | null, index) => {
    if ((item?.type === 'image' || item?.type === 'audio') && typeof item.data === 'string') {
      const helper = item.type === 'image' ? 'imageResult' : 'audioResult';
      throw new ToolResultError(
        `tool result content[${index}] is ${item.type} media as base64 \`data\`; media is bytes now: return \`${helper}(bytes, mimeType)\` (or \`{type: '${item.type}', bytes: Uint8Array, mimeType}\`) instead of \`{type: '${item.type}', data: '<base64>'}\``,
      );
    }
  });
}

/**
 * Turns what `run` returned into a `ToolResult`: strings become text, `ToolResult`s pass through,
 * other values become JSON text plus `structuredContent` (objects) so MCP clients get both.
 */
export function normalizeToolOutput(value: unknown): ToolResult {
  if (isToolResult(value)) return value;
  refuseBase64Media(value);
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (value === undefined) return { content: [{ type: 'text', text: '' }] };
  const text = JSON.stringify(value, null, 2) ?? String(value);
  const result: ToolResult = { content: [{ type: 'text', text }] };
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    result.structuredContent = value as Record<string, unknown>;
  return result;
}

/**
 * A run's output (an agent's or workflow's, served as a tool) as a tool result: the attachments in it
 * become image/audio content, so MCP clients and models get media, and its JSON text and structured
 * content name each by size (`<N bytes, image/png>`) instead of spelling out its bytes.
 */
export function toolResultFromOutput(output: unknown): ToolResult {
  const { value, media } = takeMediaOut(output);
  const result = normalizeToolOutput(value);
  return {
    ...result,
    content: [
      ...result.content,
      ...media.map(
        (item): ToolResultContent => ({ type: item.kind, bytes: item.bytes, mimeType: item.mimeType }),
      ),
    ],
  };
}

/** Media helper for tool authors: an image result from its bytes and MIME type (e.g. `image/png`). */
export function imageResult(bytes: Uint8Array, mimeType: string, caption?: string): ToolResult {
  const content: ToolResultContent[] = [{ type: 'image', bytes, mimeType }];
  if (caption) content.push({ type: 'text', text: caption });
  return { content };
}

/** Media helper for tool authors: an audio result from its bytes and MIME type (e.g. `audio/wav`). */
export function audioResult(bytes: Uint8Array, mimeType: string, caption?: string): ToolResult {
  const content: ToolResultContent[] = [{ type: 'audio', bytes, mimeType }];
  if (caption) content.push({ type: 'text', text: caption });
  return { content };
}
