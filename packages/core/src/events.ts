import type { RunEvent } from '@hearth/engine';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { bytesToBase64 } from './media.js';
import { environmentOf } from './runtime.js';
import type { ToolOutcome } from './tool-runner.js';

/** An event before the runner adds the node path (nodes do not know where they are nested). */
export type NodeEvent = RunEvent extends infer E
  ? E extends { path: string[] }
    ? Omit<E, 'path'>
    : never
  : never;

/** Sends an event from inside a node to whoever streams the run (a no-op when nobody listens). */
export function emit(config: LangGraphRunnableConfig | undefined, event: NodeEvent): void {
  config?.writer?.(event);
}

/**
 * Sends a call's tool-result event: the text cut to 500 characters, the number of images and audio
 * clips, and their bytes as base64 only when the run asked for them (`RunOptions.eventMedia`: a live
 * view that shows them), since a screenshot would make every event log and queue record large.
 */
export function emitToolResult(
  config: LangGraphRunnableConfig,
  call: { source: string; callId: string; tool: string },
  outcome: ToolOutcome,
): void {
  const withMedia = environmentOf(config).eventMedia === true && outcome.media.length > 0;
  emit(config, {
    type: 'tool-result',
    ...call,
    isError: outcome.isError,
    summary: outcome.text.slice(0, 500),
    media: outcome.media.length,
    ...(withMedia
      ? {
          mediaParts: outcome.media.map((part) => ({
            kind: part.kind,
            mimeType: part.mimeType,
            data: bytesToBase64(part.bytes),
          })),
        }
      : {}),
  });
}
