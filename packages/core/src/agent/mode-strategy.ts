import type { Engine, Message, SamplingOptions, ToolCall } from '@hearth/engine';
import type { z } from 'zod';
import type { ToolOutcome } from '../tool-runner.js';
import type { ToolDefinition } from '../tools/tool-types.js';

/** One model turn as the agent loop hands it to a mode. */
export interface ModelTurn {
  /** System prompt, the user's prompt with its attachments, and the conversation so far. */
  messages: Message[];
  tools: readonly ToolDefinition[];
  /** The agent's answer schema. */
  output: z.ZodType;
  /** The step budget is spent: this turn may only answer. */
  finalOnly: boolean;
  /** Id for a tool call the mode has to name itself (`<agent>-<step>`). */
  turnId: string;
  engine: Engine;
  sampling: SamplingOptions;
  maxTokens: number;
  signal?: AbortSignal;
  onToken: (text: string) => void;
}

/** What a turn's reply means to the loop, the same for every mode. `reply` goes into the conversation. */
export type StepDecision =
  | { kind: 'tool-calls'; calls: ToolCall[]; reply: Message }
  | { kind: 'final'; answer: unknown; reply: Message }
  /** The reply could not be used; the model is told `problem` and tries again. */
  | { kind: 'unusable'; problem: string; reply: Message };

/** A tool call the loop ran, with its outcome. */
export interface FinishedCall {
  call: ToolCall;
  outcome: ToolOutcome;
}

/**
 * How an agent mode talks to the model: what the system prompt adds, how a turn's request is built
 * and its reply read into a `StepDecision`, and how tool outcomes go back. The loop
 * (`agent-graph.ts`) calls only this, so it never branches on the mode.
 */
export interface AgentModeStrategy {
  systemPrompt(instructions: string, tools: readonly ToolDefinition[]): string;
  takeTurn(turn: ModelTurn): Promise<StepDecision>;
  toolResultMessages(finished: readonly FinishedCall[]): Message[];
}
