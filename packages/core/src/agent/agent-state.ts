import type { Message } from '@hearth/engine';
import { ReducedValue, StateSchema } from '@langchain/langgraph';
import { z } from 'zod';
import { type Attachment, attachmentSchema } from '../media.js';

/** One tool call the agent made, with what came back. */
export interface ToolLogEntry {
  callId: string;
  tool: string;
  args: Record<string, unknown>;
  isError: boolean;
  result: string;
  /** The human denied it; it did not run. */
  denied?: boolean;
}

const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
});

/** Appends updates to a list channel (parallel writes and successive steps both add). */
const appended = <Item>(item: z.ZodType<Item>) =>
  new ReducedValue(
    z.array(item).default(() => []),
    {
      reducer: (current: Item[], next: Item[]) => [...current, ...next],
    },
  );

/** The agent graph's state; every field is checkpointed. */
export const agentState = new StateSchema({
  prompt: z.string(),
  attachments: z.array(attachmentSchema).default(() => []),
  /** The conversation after the first user message. */
  messages: appended(z.custom<Message>()),
  steps: z.number().default(0),
  /** Tool calls of the last model turn, not yet run. */
  pending: z.array(toolCallSchema).default(() => []),
  /** Human decisions for the pending calls, by call id. */
  decisions: z.record(z.string(), z.boolean()).default(() => ({})),
  answer: z.unknown().optional(),
  stopReason: z.enum(['final', 'max-steps']).optional(),
  toolLog: appended(z.custom<ToolLogEntry>()),
  observations: appended<Attachment>(attachmentSchema),
});
export type AgentState = typeof agentState.State;
