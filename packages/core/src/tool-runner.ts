import type { ContentPart } from '@hearth/engine';
import { type Attachment, attachmentFromBytes } from './media.js';
import type { ToolLedger } from './runtime.js';
import { errorResult, type ToolRegistry } from './tools/tool-registry.js';
import { toolResultToMessageContent } from './tools/tool-schema.js';
import type { ToolResult } from './tools/tool-types.js';

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

/** A failed call as the model sees it: an error text it can react to. */
export function toolErrorOutcome(message: string): ToolOutcome {
  return {
    content: [{ type: 'text', text: `Error: ${message}` }],
    text: `Error: ${message}`,
    isError: true,
    media: [],
  };
}

function outcomeOf(result: ToolResult, toolName: string): ToolOutcome {
  const content = toolResultToMessageContent(result);
  const text = content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
  const media = content.flatMap((part): Attachment[] =>
    part.type === 'text'
      ? []
      : [
          attachmentFromBytes(
            part.type,
            part.type === 'image' ? part.image : part.audio,
            part.mimeType,
            toolName,
          ),
        ],
  );
  return {
    content,
    text,
    isError: result.isError === true,
    media,
    ...(result.structuredContent ? { structured: result.structuredContent } : {}),
  };
}

/**
 * Runs one tool call the way an agent needs it: through the run's `ToolRegistry` (arguments checked
 * against the tool's schema, a time limit, cancellation), with every failure — an unknown tool, bad
 * arguments, a thrown error, a timeout — turned into an error result the model can read and react
 * to. Only the cancellation of the whole run is thrown, and a failure of the ledger itself.
 * @param options.timeoutMs the caller's limit for tools that set none (default `defaultToolTimeoutMs`).
 * @param options.idempotencyKey the call's stable key (`toolCallKey`), handed to the tool.
 * @param options.ledger when given, a result recorded under the key is reused instead of calling the
 *   tool, and a new result (an error result too) is recorded; a cancelled call records nothing.
 */
export async function callTool(
  tools: ToolRegistry,
  name: string,
  args: unknown,
  options: { signal?: AbortSignal; timeoutMs?: number; idempotencyKey?: string; ledger?: ToolLedger } = {},
): Promise<ToolOutcome> {
  const call = async (): Promise<ToolResult> => {
    try {
      return await tools.call(name, args, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        timeoutMs: tools.get(name).timeoutMs ?? options.timeoutMs ?? defaultToolTimeoutMs,
      });
    } catch (error) {
      options.signal?.throwIfAborted();
      // The same text as `toolErrorOutcome`, as a result the ledger can record.
      return errorResult(`Error: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const result =
    options.ledger && options.idempotencyKey
      ? await options.ledger.once(options.idempotencyKey, call)
      : await call();
  return outcomeOf(result, name);
}
