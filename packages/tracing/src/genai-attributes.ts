import type { ContentPart, Engine, GenerateRequest, GenerateResult, Message } from '@hearth/engine';
import type { Attributes } from '@opentelemetry/api';

// Attribute names of OpenTelemetry's GenAI semantic conventions (still "development" stability there, so
// written out here rather than imported from the conventions package's unstable entry point).
export const genAi = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  conversationId: 'gen_ai.conversation.id',
  agentName: 'gen_ai.agent.name',
  workflowName: 'gen_ai.workflow.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopK: 'gen_ai.request.top_k',
  requestTopP: 'gen_ai.request.top_p',
  requestSeed: 'gen_ai.request.seed',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestStream: 'gen_ai.request.stream',
  outputType: 'gen_ai.output.type',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read_input_tokens',
  systemInstructions: 'gen_ai.system_instructions',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolName: 'gen_ai.tool.name',
  toolType: 'gen_ai.tool.type',
  toolCallId: 'gen_ai.tool.call.id',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  errorType: 'error.type',
} as const;

/** The engines that run llama.cpp in or beside this process; others (`openai`) name their provider. */
const llamaCppEngines = new Set(['native', 'llama-node', 'node-llama-cpp']);

/** What a model call asked for: model, sampling, limits (never the prompt: that is {@link inputContent}). */
export function requestAttributes(engine: Engine, request: GenerateRequest, streamed: boolean): Attributes {
  const sampling = request.sampling ?? {};
  const attributes: Attributes = {
    [genAi.operationName]: 'chat',
    [genAi.providerName]: llamaCppEngines.has(engine.info.engine) ? 'llama.cpp' : engine.info.engine,
    [genAi.requestModel]: engine.info.model,
    [genAi.requestStream]: streamed,
    [genAi.outputType]: request.responseFormat ? 'json' : 'text',
    'hearth.engine': engine.info.engine,
    'hearth.request.tools': request.tools?.length ?? 0,
  };
  const optional: Attributes = {
    [genAi.requestMaxTokens]: request.maxTokens,
    [genAi.requestTemperature]: sampling.greedy ? 0 : sampling.temperature,
    [genAi.requestTopK]: sampling.greedy ? 1 : sampling.topK,
    [genAi.requestTopP]: sampling.topP,
    [genAi.requestSeed]: sampling.seed,
    [genAi.requestStopSequences]: request.stop,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) attributes[key] = value;
  return attributes;
}

/** What the model answered with: usage, finish reason, speed and MTP statistics. */
export function resultAttributes(result: GenerateResult): Attributes {
  const attributes: Attributes = {
    [genAi.responseModel]: result.model,
    [genAi.responseFinishReasons]: [result.finishReason],
    [genAi.usageInputTokens]: result.usage.promptTokens,
    [genAi.usageOutputTokens]: result.usage.completionTokens,
    'hearth.prefill_ms': result.timings.prefillMs,
    'hearth.decode_ms': result.timings.decodeMs,
    'hearth.decode_tokens_per_second': result.timings.decodeTokensPerSecond,
    'hearth.tool_calls': result.toolCalls.length,
  };
  if (result.usage.cachedPromptTokens !== undefined)
    attributes[genAi.usageCacheReadInputTokens] = result.usage.cachedPromptTokens;
  if (result.mtp) {
    attributes['hearth.mtp.used'] = result.mtp.used;
    if (result.mtp.used) {
      attributes['hearth.mtp.drafted'] = result.mtp.drafted;
      attributes['hearth.mtp.accepted'] = result.mtp.accepted;
      attributes['hearth.mtp.acceptance_rate'] = result.mtp.acceptanceRate;
    } else attributes['hearth.mtp.reason'] = result.mtp.reason;
  }
  return attributes;
}

type Part = Record<string, unknown>;

/** A content part in the conventions' message shape; media is named (modality, MIME type), never copied. */
function partOf(part: ContentPart): Part {
  if (part.type === 'text') return { type: 'text', content: part.text };
  const modality = part.type;
  return { type: 'blob', modality, ...(part.mimeType ? { mime_type: part.mimeType } : {}) };
}

const partsOf = (content: string | ContentPart[]): Part[] =>
  typeof content === 'string' ? [{ type: 'text', content }] : content.map(partOf);

function messageOf(message: Exclude<Message, { role: 'system' }>): Part {
  switch (message.role) {
    case 'user':
      return { role: 'user', parts: partsOf(message.content) };
    case 'tool':
      return {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: message.toolCallId, response: partsOf(message.content) }],
      };
    case 'assistant':
      return {
        role: 'assistant',
        parts: [
          ...(message.reasoning ? [{ type: 'reasoning', content: message.reasoning }] : []),
          ...(message.content ? [{ type: 'text', content: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({
            type: 'tool_call',
            id: call.id,
            name: call.name,
            arguments: call.args,
          })),
        ],
      };
  }
}

/** The prompt as the conventions' `gen_ai.system_instructions` and `gen_ai.input.messages` (opt-in only). */
export function inputContent(request: GenerateRequest): Attributes {
  const system = request.messages.filter((message) => message.role === 'system');
  const rest = request.messages.filter(
    (message): message is Exclude<Message, { role: 'system' }> => message.role !== 'system',
  );
  return {
    ...(system.length > 0
      ? {
          [genAi.systemInstructions]: JSON.stringify(
            system.map((message) => ({ type: 'text', content: message.content })),
          ),
        }
      : {}),
    [genAi.inputMessages]: JSON.stringify(rest.map(messageOf)),
  };
}

/** The reply as the conventions' `gen_ai.output.messages` (opt-in only). */
export function outputContent(result: GenerateResult): Attributes {
  const reply = messageOf({
    role: 'assistant',
    content: result.text,
    ...(result.reasoning ? { reasoning: result.reasoning } : {}),
    toolCalls: result.toolCalls,
  });
  return { [genAi.outputMessages]: JSON.stringify([{ ...reply, finish_reason: result.finishReason }]) };
}
