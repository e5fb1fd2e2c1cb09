import type { SamplingOptions } from '@hearth/engine';
import { z } from 'zod';
import { toolSourceEffects } from '../approvals/effects.js';
import { WorkflowDefinitionError } from '../errors/workflow-definition-error.js';
import { type Attachment, attachmentSchema } from '../media.js';
import type { ToolSource } from '../runtime.js';
import { defaultToolTimeoutMs } from '../tool-runner.js';
import { RunTarget } from '../workflow/run-target.js';
import { agentGraph } from './agent-graph.js';
import type { AgentState, ToolLogEntry } from './agent-state.js';
import { constrainedMode } from './constrained-mode.js';
import type { AgentModeStrategy } from './mode-strategy.js';
import { nativeMode } from './native-mode.js';

export type { ToolLogEntry } from './agent-state.js';

/**
 * `native`: the model calls tools with Gemma 4's own tool-call tokens.
 * `constrained`: every step is decoded under a JSON-schema union of "call tool X with arguments valid
 * for X" | "final answer", so no step can be malformed (the better choice for small models).
 */
export type AgentMode = 'native' | 'constrained';

export interface AgentDefinition<Output extends z.ZodType = z.ZodString> {
  /** Tool-name safe: letters, digits, `_` and `-`. */
  name: string;
  description?: string;
  /** The system prompt. */
  instructions: string;
  /** The prompt when the caller gives only attachments (e.g. `hearth run agent --image shot.png`). */
  defaultPrompt?: string;
  /** Default model preset or path (the CLI's `--model` overrides it). */
  model?: string;
  tools?: ToolSource;
  /** Default `constrained`. */
  mode?: AgentMode;
  /** Schema of the final answer; default a string. Constrained mode decodes the answer under it. */
  output?: Output;
  /** Model turns before the agent must answer (default 6). */
  maxSteps?: number;
  /** Time limit of one tool call when the tool sets none (default 60 s). */
  toolTimeoutMs?: number;
  /** Tokens per model turn (default 768). */
  maxTokens?: number;
  /** Default: greedy decoding, so runs are reproducible. */
  sampling?: SamplingOptions;
}

/** An agent's input: a prompt and the attachments (screenshots, audio) that go to the model as media. */
export const agentInputSchema = z.object({
  prompt: z
    .string({ error: 'give the agent a prompt, e.g. --input \'{"prompt": "..."}\'' })
    .min(1, 'prompt must not be empty'),
  attachments: z.array(attachmentSchema).default([]),
});
/** `prompt` may be left out only when the agent defines a `defaultPrompt`. */
export type AgentInput = { prompt?: string; attachments?: Attachment[] };

export interface AgentOutput<Answer> {
  /** `null` only when the step budget ran out and even the forced last turn gave no valid answer. */
  answer: Answer | null;
  stopReason: 'final' | 'max-steps';
  /** Model turns taken. */
  steps: number;
  toolCalls: ToolLogEntry[];
  /** Images/audio returned by tools during the run (they were shown to the model as media). */
  observations: Attachment[];
}

/** An agent: a RunTarget whose input is a prompt plus attachments, with its definition kept for inspection. */
export type Agent<Answer = string> = RunTarget<AgentInput, AgentOutput<Answer>> & {
  readonly mode: AgentMode;
  readonly definition: AgentDefinition<z.ZodType<Answer>>;
};

/** How each mode talks to the model; the agent loop is the same for both. */
const modes: Record<AgentMode, AgentModeStrategy> = { constrained: constrainedMode, native: nativeMode };

const namePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Defines an agent: a loop of model turns and tool calls, each step checkpointed. Tool errors,
 * invalid arguments and timeouts go back to the model as tool results; tools that require approval
 * pause the run until a human decides; after `maxSteps` turns one last turn must give the answer.
 */
export function defineAgent<Output extends z.ZodType = z.ZodString>(
  definition: AgentDefinition<Output>,
): Agent<z.infer<Output>> {
  if (!namePattern.test(definition.name)) {
    throw new WorkflowDefinitionError(
      `agent name "${definition.name}" must start with a letter and use only letters, digits, "_" and "-" (max 64)`,
    );
  }
  const maxSteps = definition.maxSteps ?? 6;
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    throw new WorkflowDefinitionError(
      `agent "${definition.name}": maxSteps must be a positive integer, got ${maxSteps}`,
    );
  const mode = definition.mode ?? 'constrained';
  const name = definition.name;
  const builder = agentGraph({
    name,
    instructions: definition.instructions,
    tools: definition.tools,
    output: (definition.output ?? z.string()) as z.ZodType,
    strategy: modes[mode],
    maxSteps,
    toolTimeoutMs: definition.toolTimeoutMs ?? defaultToolTimeoutMs,
    maxTokens: definition.maxTokens ?? 768,
    sampling: definition.sampling ?? { greedy: true },
  });

  const inputSchema = definition.defaultPrompt
    ? agentInputSchema.extend({ prompt: agentInputSchema.shape.prompt.default(definition.defaultPrompt) })
    : agentInputSchema;
  const runnable = new RunTarget<AgentInput, AgentOutput<z.infer<Output>>>({
    effects: () => toolSourceEffects(definition.tools),
    kind: 'agent',
    name,
    description: definition.description ?? definition.instructions.slice(0, 200),
    ...(definition.model ? { model: definition.model } : {}),
    input: inputSchema as z.ZodType<unknown, AgentInput>,
    builder,
    toState: (parsed) => parsed as Record<string, unknown>,
    fromState: (state) => {
      const final = state as unknown as AgentState;
      return {
        answer: (final.answer ?? null) as z.infer<Output> | null,
        stopReason: final.stopReason ?? 'max-steps',
        steps: final.steps,
        toolCalls: final.toolLog,
        observations: final.observations,
      };
    },
  });
  return Object.assign(runnable, { mode, definition }) as unknown as Agent<z.infer<Output>>;
}
