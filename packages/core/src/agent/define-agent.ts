import type {
  ContentPart,
  GenerateRequest,
  GenerateResult,
  Message,
  SamplingOptions,
  ToolCall,
} from '@hearth/engine';
import {
  END,
  interrupt,
  type LangGraphRunnableConfig,
  ReducedValue,
  START,
  StateGraph,
  StateSchema,
} from '@langchain/langgraph';
import { z } from 'zod';
import { WorkflowDefinitionError } from '../errors/workflow-definition-error.js';
import { emit } from '../events.js';
import { type Attachment, attachmentSchema, userContent } from '../media.js';
import { engineOf, environmentOf, resolveTools, type ToolSource } from '../runtime.js';
import { callTool, defaultToolTimeoutMs, type ToolOutcome, toolErrorOutcome } from '../tool-runner.js';
import { toolSpecFromDefinition } from '../tools/tool-schema.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import type { ApprovalInterrupt, ApprovalResume } from '../workflow/run-target.js';
import { RunTarget } from '../workflow/run-target.js';
import { boundSchema, constrainedStepSchema, jsonSchemaOf, parseConstrainedStep } from './step-schema.js';

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

const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
});

const agentState = new StateSchema({
  prompt: z.string(),
  attachments: z.array(attachmentSchema).default(() => []),
  /** The conversation after the first user message. */
  messages: new ReducedValue(
    z.array(z.custom<Message>()).default(() => []),
    {
      reducer: (current: Message[], next: Message[]) => [...current, ...next],
    },
  ),
  steps: z.number().default(0),
  /** Tool calls of the last model turn, not yet run. */
  pending: z.array(toolCallSchema).default(() => []),
  /** Human decisions for the pending calls, by call id. */
  decisions: z.record(z.string(), z.boolean()).default(() => ({})),
  answer: z.unknown().optional(),
  stopReason: z.enum(['final', 'max-steps']).optional(),
  toolLog: new ReducedValue(
    z.array(z.custom<ToolLogEntry>()).default(() => []),
    {
      reducer: (current: ToolLogEntry[], next: ToolLogEntry[]) => [...current, ...next],
    },
  ),
  observations: new ReducedValue(
    z.array(attachmentSchema).default(() => []),
    {
      reducer: (current: Attachment[], next: Attachment[]) => [...current, ...next],
    },
  ),
});
type AgentState = typeof agentState.State;

/** An agent: a RunTarget whose input is a prompt plus attachments, with its definition kept for inspection. */
export type Agent<Answer = string> = RunTarget<AgentInput, AgentOutput<Answer>> & {
  readonly mode: AgentMode;
  readonly definition: AgentDefinition<z.ZodType<Answer>>;
};

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
  const output = (definition.output ?? z.string()) as z.ZodType;
  const answersInText = output instanceof z.ZodString;
  const name = definition.name;
  const sampling = definition.sampling ?? { greedy: true };
  const maxTokens = definition.maxTokens ?? 768;

  const toolsOf = (config: LangGraphRunnableConfig): Map<string, ToolDefinition> => {
    const tools = resolveTools(definition.tools, environmentOf(config));
    const byName = new Map<string, ToolDefinition>();
    for (const tool of tools) {
      if (byName.has(tool.name))
        throw new WorkflowDefinitionError(
          `agent "${name}" has two tools named "${tool.name}"; tool names must be unique`,
        );
      byName.set(tool.name, tool);
    }
    return byName;
  };

  const systemPrompt = (tools: Map<string, ToolDefinition>): string => {
    if (mode === 'native' || tools.size === 0) return definition.instructions;
    const list = [...tools.values()].map((tool) => `- ${tool.name}: ${tool.description}`).join('\n');
    return `${definition.instructions}\n\nAnswer every turn with one JSON object: either {"action":"call_tool","tool":<name>,"args":{...}} to use a tool, or {"action":"final_answer","answer":...} when done.\nTools:\n${list}`;
  };

  const conversation = (state: AgentState, tools: Map<string, ToolDefinition>): Message[] => [
    { role: 'system', content: systemPrompt(tools) },
    { role: 'user', content: userContent(state.prompt, state.attachments) },
    ...state.messages,
  ];

  /** Streams one model turn, forwarding text as token events. */
  const generate = async (
    request: GenerateRequest,
    config: LangGraphRunnableConfig,
  ): Promise<GenerateResult> => {
    const engine = engineOf(config, name);
    for await (const delta of engine.stream({ ...request, sampling, maxTokens, signal: config.signal })) {
      if (delta.type === 'text') emit(config, { type: 'token', agent: name, text: delta.text });
      if (delta.type === 'done') return delta.result;
    }
    throw new Error(`engine "${engine.info.engine}" ended its stream without a result`);
  };

  /** Checks a final answer; a problem goes back to the model instead of ending the run. */
  const checkAnswer = (value: unknown): { ok: true; answer: unknown } | { ok: false; problem: string } => {
    const parsed = output.safeParse(value);
    if (parsed.success) return { ok: true, answer: parsed.data };
    return {
      ok: false,
      problem: `the final answer does not match its schema: ${parsed.error.issues[0]?.message}`,
    };
  };

  const parseTextAnswer = (text: string) => {
    if (answersInText) return checkAnswer(text);
    try {
      return checkAnswer(JSON.parse(text));
    } catch {
      return { ok: false as const, problem: 'the final answer must be JSON matching the answer schema' };
    }
  };

  const modelTurn = async (state: AgentState, config: LangGraphRunnableConfig) => {
    const tools = toolsOf(config);
    const messages = conversation(state, tools);
    const step = state.steps + 1;
    if (mode === 'constrained') {
      const result = await generate(
        {
          messages,
          responseFormat: { type: 'json_schema', schema: constrainedStepSchema([...tools.values()], output) },
        },
        config,
      );
      const parsed = parseConstrainedStep(result.text);
      const assistant: Message = { role: 'assistant', content: result.text };
      if ('problem' in parsed) return retry(state, config, assistant, parsed.problem);
      if (parsed.action === 'call_tool') {
        const call: ToolCall = { id: `${name}-${step}`, name: parsed.tool, args: parsed.args };
        emit(config, { type: 'agent-step', agent: name, step, action: 'tool-calls' });
        return { messages: [assistant], steps: step, pending: [call], decisions: {} };
      }
      const checked = checkAnswer(parsed.answer);
      if (!checked.ok) return retry(state, config, assistant, checked.problem);
      return finish(config, step, assistant, checked.answer);
    }
    const result = await generate(
      {
        messages,
        tools: [...tools.values()].map(toolSpecFromDefinition),
        toolChoice: tools.size > 0 ? 'auto' : 'none',
      },
      config,
    );
    const assistant: Message = {
      role: 'assistant',
      content: result.text,
      ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
    };
    if (result.toolCalls.length > 0) {
      emit(config, { type: 'agent-step', agent: name, step, action: 'tool-calls' });
      return { messages: [assistant], steps: step, pending: result.toolCalls, decisions: {} };
    }
    const checked = parseTextAnswer(result.text);
    if (!checked.ok) return retry(state, config, assistant, checked.problem);
    return finish(config, step, assistant, checked.answer);
  };

  /** The model's final answer (either mode): the agent loop ends here. */
  const finish = (config: LangGraphRunnableConfig, step: number, assistant: Message, answer: unknown) => {
    emit(config, { type: 'agent-step', agent: name, step, action: 'final' });
    return { messages: [assistant], steps: step, pending: [], answer, stopReason: 'final' as const };
  };

  /** A malformed turn: the model is told what was wrong and tries again (it costs a step). */
  const retry = (state: AgentState, config: LangGraphRunnableConfig, assistant: Message, problem: string) => {
    const step = state.steps + 1;
    emit(config, { type: 'agent-step', agent: name, step, action: 'retry' });
    return {
      messages: [
        assistant,
        { role: 'user' as const, content: `That reply was not usable: ${problem}. Try again.` },
      ],
      steps: step,
      pending: [],
    };
  };

  const approval = async (state: AgentState, config: LangGraphRunnableConfig) => {
    const tools = toolsOf(config);
    const calls = state.pending.filter((call) => tools.get(call.name)?.requiresApproval);
    const request: ApprovalInterrupt = {
      kind: 'approval',
      agent: name,
      calls: calls.map((call) => ({ callId: call.id, tool: call.name, args: call.args })),
    };
    const answer = interrupt(request) as ApprovalResume;
    return { decisions: Object.fromEntries(calls.map((call) => [call.id, answer.approved === true])) };
  };

  const runTools = async (state: AgentState, config: LangGraphRunnableConfig) => {
    const tools = toolsOf(config);
    const timeoutMs = definition.toolTimeoutMs ?? defaultToolTimeoutMs;
    const outcomes = await Promise.all(
      state.pending.map(async (call): Promise<[ToolCall, ToolOutcome, boolean]> => {
        emit(config, { type: 'tool-call', agent: name, callId: call.id, tool: call.name, args: call.args });
        const tool = tools.get(call.name);
        const denied = tool?.requiresApproval === true && state.decisions[call.id] !== true;
        const outcome = !tool
          ? toolErrorOutcome(
              `unknown tool "${call.name}"; available: ${[...tools.keys()].join(', ') || 'none'}`,
            )
          : denied
            ? toolErrorOutcome(`a human denied this call to ${call.name}; do not retry it, answer without it`)
            : await callTool(tool, call.args, { signal: config.signal, timeoutMs });
        emit(config, {
          type: 'tool-result',
          agent: name,
          callId: call.id,
          tool: call.name,
          isError: outcome.isError,
          summary: outcome.text.slice(0, 500),
          media: outcome.media.length,
        });
        return [call, outcome, denied];
      }),
    );
    const messages: Message[] =
      mode === 'native'
        ? outcomes.map(([call, outcome]) => ({
            role: 'tool' as const,
            toolCallId: call.id,
            name: call.name,
            content: outcome.content,
          }))
        : outcomes.map(([call, outcome]) => ({
            role: 'user' as const,
            content: [
              { type: 'text' as const, text: `Result of ${call.name}:` },
              ...outcome.content,
            ] as ContentPart[],
          }));
    return {
      messages,
      pending: [],
      toolLog: outcomes.map(([call, outcome, denied]) => ({
        callId: call.id,
        tool: call.name,
        args: call.args,
        isError: outcome.isError,
        result: outcome.text.slice(0, 2000),
        ...(denied ? { denied: true } : {}),
      })),
      observations: outcomes.flatMap(([, outcome]) => outcome.media),
    };
  };

  /** The step budget is spent: one last turn that may only answer. */
  const finalize = async (state: AgentState, config: LangGraphRunnableConfig) => {
    const tools = toolsOf(config);
    const messages: Message[] = [
      ...conversation(state, tools),
      { role: 'user', content: 'The step budget is used up. Give your final answer now.' },
    ];
    const request: GenerateRequest =
      mode === 'constrained'
        ? {
            messages,
            responseFormat: {
              type: 'json_schema',
              schema: constrainedStepSchema([], output, { finalOnly: true }),
            },
          }
        : answersInText
          ? { messages, toolChoice: 'none' }
          : { messages, responseFormat: { type: 'json_schema', schema: boundSchema(jsonSchemaOf(output)) } };
    const result = await generate(request, config);
    let checked: ReturnType<typeof checkAnswer>;
    if (mode === 'constrained') {
      const parsed = parseConstrainedStep(result.text);
      checked =
        'problem' in parsed
          ? { ok: false, problem: parsed.problem }
          : checkAnswer((parsed as { answer?: unknown }).answer);
    } else checked = parseTextAnswer(result.text);
    emit(config, { type: 'agent-step', agent: name, step: state.steps + 1, action: 'final' });
    return {
      messages: [{ role: 'assistant' as const, content: result.text }],
      steps: state.steps + 1,
      answer: checked.ok ? checked.answer : null,
      stopReason: 'max-steps' as const,
    };
  };

  const afterModel = (state: AgentState, config: LangGraphRunnableConfig): string => {
    if (state.stopReason) return END;
    if (state.pending.length > 0) {
      const tools = toolsOf(config);
      return state.pending.some((call) => tools.get(call.name)?.requiresApproval) ? 'approval' : 'tools';
    }
    return state.steps >= maxSteps ? 'finalize' : 'model';
  };

  const builder = new StateGraph(agentState)
    .addNode('model', modelTurn)
    .addNode('approval', approval)
    .addNode('tools', runTools)
    .addNode('finalize', finalize)
    .addEdge(START, 'model')
    .addConditionalEdges('model', afterModel, ['approval', 'tools', 'finalize', 'model', END])
    .addEdge('approval', 'tools')
    .addConditionalEdges('tools', (state: AgentState) => (state.steps >= maxSteps ? 'finalize' : 'model'), [
      'finalize',
      'model',
    ])
    .addEdge('finalize', END);

  const inputSchema = definition.defaultPrompt
    ? agentInputSchema.extend({ prompt: agentInputSchema.shape.prompt.default(definition.defaultPrompt) })
    : agentInputSchema;
  const runnable = new RunTarget<AgentInput, AgentOutput<z.infer<Output>>>({
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
