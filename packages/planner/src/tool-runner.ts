import type { ToolDefinition, ToolResult } from '@hearth/mcp';
import type { ContentPart, ToolSpec } from '@hearth/model';
import { z } from 'zod';
import { ToolTimeoutError } from './errors/tool-timeout-error.js';
import { type Attachment, attachmentToContentPart } from './media.js';

/** What one tool call produced, in the two forms the planner needs: for the model and for state. */
export interface ToolOutcome {
  /** The result as the model will see it: text parts plus image/audio parts. */
  content: ContentPart[];
  /** The text part of the result (errors included), for events and logs. */
  text: string;
  isError: boolean;
  /** Images and audio the tool returned, kept in state so later steps can see them too. */
  media: Attachment[];
  structured?: Record<string, unknown>;
}

/** Default per-call limit when neither the tool nor the agent sets one. */
export const defaultToolTimeoutMs = 60_000;

/** The JSON Schema of a tool's input, as the model sees it. */
export function toolSpec(tool: ToolDefinition): ToolSpec {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return { name: tool.name, description: tool.description, parameters };
}

function isToolResult(value: unknown): value is ToolResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as ToolResult).content) &&
    (value as ToolResult).content.every((part) => typeof part === 'object' && part !== null && 'type' in part)
  );
}

function normalize(value: unknown): ToolResult {
  if (isToolResult(value)) return value;
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  const text = value === undefined ? 'done' : JSON.stringify(value);
  return {
    content: [{ type: 'text', text }],
    ...(typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { structuredContent: value as Record<string, unknown> }
      : {}),
  };
}

function outcomeOf(result: ToolResult, toolName: string): ToolOutcome {
  const media: Attachment[] = [];
  const texts: string[] = [];
  for (const part of result.content) {
    if (part.type === 'text') texts.push(part.text);
    else media.push({ kind: part.type, mimeType: part.mimeType, data: part.data, name: toolName });
  }
  const text = texts.join('\n');
  return {
    content: [...(text ? [{ type: 'text' as const, text }] : []), ...media.map(attachmentToContentPart)],
    text,
    isError: result.isError === true,
    media,
    ...(result.structuredContent ? { structured: result.structuredContent } : {}),
  };
}

/** A failed call as the model sees it: an error text it can react to. */
export function toolErrorOutcome(message: string): ToolOutcome {
  return {
    content: [{ type: 'text', text: `Error: ${message}` }],
    text: `Error: ${message}`,
    isError: true,
    media: [],
  };
}

/**
 * Runs one tool call the way an agent needs it: arguments checked against the tool's schema, a time
 * limit, and every failure turned into an error result the model can read and react to (never thrown,
 * except when the whole run is being cancelled).
 */
export async function callTool(
  tool: ToolDefinition,
  args: unknown,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ToolOutcome> {
  const parsed = tool.input.safeParse(args);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`)
      .join('; ');
    return toolErrorOutcome(`invalid arguments for ${tool.name}: ${issues}`);
  }
  const timeoutMs = tool.timeoutMs ?? options.timeoutMs ?? defaultToolTimeoutMs;
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new ToolTimeoutError(tool.name, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const value = await Promise.race([
      Promise.resolve(tool.run(parsed.data, { signal: controller.signal, reportProgress: () => {} })),
      timeout,
    ]);
    return outcomeOf(normalize(value), tool.name);
  } catch (error) {
    options.signal?.throwIfAborted();
    return toolErrorOutcome(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onParentAbort);
  }
}
