import type { GenerateRequest, Message } from '@hearth/engine';
import { z } from 'zod';
import { readObject, streamReply } from '../generate-object.js';
import { toolSpecFromDefinition } from '../tools/tool-schema.js';
import { decodeUnderSchema } from './decode-under-schema.js';
import type { AgentModeStrategy, ModelTurn, StepDecision } from './mode-strategy.js';

/**
 * `native`: the tools go to the engine as `ToolSpec`s and the model calls them with Gemma 4's own
 * tool-call tokens (parallel calls allowed); a reply without calls is the answer, as text (or JSON
 * text for a typed answer). Tool outcomes come back as `tool` messages.
 */
export const nativeMode: AgentModeStrategy = {
  systemPrompt: (instructions) => instructions,

  async takeTurn(turn) {
    // A typed answer in the last turn is decoded under its schema: there is no tool to call anyway.
    if (turn.finalOnly && !answersInText(turn.output))
      return decodeUnderSchema(turn, turn.output, (answer, reply) => ({ kind: 'final', answer, reply }));
    const result = await streamReply(turn.engine, buildRequest(turn), turn.onToken);
    const reply: Message = {
      role: 'assistant',
      content: result.text,
      ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
    };
    return readReply(turn, reply, result.text);
  },

  toolResultMessages: (finished) =>
    finished.map(({ call, outcome }) => ({
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content: outcome.content,
    })),
};

function buildRequest(turn: ModelTurn): GenerateRequest {
  const model = {
    maxTokens: turn.maxTokens,
    sampling: turn.sampling,
    ...(turn.signal ? { signal: turn.signal } : {}),
  };
  if (turn.finalOnly) return { messages: turn.messages, toolChoice: 'none', ...model };
  return {
    messages: turn.messages,
    tools: turn.tools.map(toolSpecFromDefinition),
    toolChoice: turn.tools.length > 0 ? 'auto' : 'none',
    ...model,
  };
}

function readReply(turn: ModelTurn, reply: Message, text: string): StepDecision {
  if (reply.role === 'assistant' && reply.toolCalls)
    return { kind: 'tool-calls', calls: reply.toolCalls, reply };
  if (answersInText(turn.output)) {
    const checked = turn.output.safeParse(text);
    return checked.success
      ? { kind: 'final', answer: checked.data, reply }
      : {
          kind: 'unusable',
          problem: `the final answer does not match its schema: ${checked.error.issues[0]?.message}`,
          reply,
        };
  }
  const reading = readObject(text, turn.output);
  return reading.ok
    ? { kind: 'final', answer: reading.object, reply }
    : {
        kind: 'unusable',
        problem: `the final answer must be JSON matching the answer schema: ${reading.reason}`,
        reply,
      };
}

/** A plain-string answer is the reply's text itself; any other answer is JSON. */
function answersInText(output: z.ZodType): boolean {
  return output instanceof z.ZodString;
}
