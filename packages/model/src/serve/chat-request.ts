import type { ContentPart, GenerateRequest, Message, SamplingOptions, ToolSpec } from '@hearth/engine';
import { z } from 'zod';
import type { OpenAIChatRequest, OpenAIContentPart } from '../engine/openai/wire.js';
import { ServeRequestError } from '../errors/serve-request-error.js';

const text = z.object({ type: z.literal('text'), text: z.string() });
const part = z.discriminatedUnion('type', [
  text,
  z.object({
    type: z.literal('image_url'),
    image_url: z.object({ url: z.string().min(1), detail: z.string().optional() }),
  }),
  z.object({
    type: z.literal('input_audio'),
    input_audio: z.object({ data: z.string().min(1), format: z.string().min(1) }),
  }),
]);
const content = z.union([z.string(), z.array(part)]);
const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});
const message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content }),
  z.object({ role: z.literal('user'), content }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullish(),
    tool_calls: z.array(toolCall).optional(),
    reasoning_content: z.string().optional(),
  }),
  z.object({
    role: z.literal('tool'),
    tool_call_id: z.string().min(1),
    content,
    name: z.string().optional(),
  }),
]);

/** The fields of a Chat Completions request that `hearth serve` reads; others are ignored, as OpenAI-compatible servers do. */
export const chatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({
          name: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - only, at most 64'),
          description: z.string().optional(),
          parameters: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        }),
      }),
    )
    .optional(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
    ])
    .optional(),
  response_format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({
          name: z.string(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
          description: z.string().optional(),
        }),
      }),
    ])
    .optional(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  thinking: z.boolean().optional(),
  mtp: z.boolean().optional(),
});

/** Parses a request body, or throws a {@link ServeRequestError} naming the first bad field. */
export function parseChatRequest(body: unknown): OpenAIChatRequest {
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(body)';
    throw new ServeRequestError(400, `Invalid request: ${path}: ${issue?.message ?? 'invalid'}`, {
      param: path,
      openaiCode: 'invalid_request',
    });
  }
  if (parsed.data.n !== undefined && parsed.data.n !== null && parsed.data.n !== 1) {
    throw new ServeRequestError(
      400,
      'Only n=1 is supported: run the request several times for more choices',
      {
        param: 'n',
        openaiCode: 'unsupported_value',
      },
    );
  }
  return parsed.data as OpenAIChatRequest;
}

function toContentPart(partValue: OpenAIContentPart, where: string): ContentPart {
  switch (partValue.type) {
    case 'text':
      return { type: 'text', text: partValue.text };
    case 'image_url': {
      const url = partValue.image_url.url;
      if (!url.startsWith('data:')) {
        throw new ServeRequestError(
          400,
          `${where}.image_url.url: hearth serve does not fetch remote images; send the image inline as a data:image/...;base64 URL`,
          { param: `${where}.image_url.url`, openaiCode: 'unsupported_value' },
        );
      }
      return { type: 'image', image: url };
    }
    case 'input_audio': {
      const format = partValue.input_audio.format === 'mp3' ? 'mpeg' : partValue.input_audio.format;
      return {
        type: 'audio',
        audio: `data:audio/${format};base64,${partValue.input_audio.data}`,
        mimeType: `audio/${format}`,
      };
    }
  }
}

function toContent(value: string | OpenAIContentPart[], where: string): string | ContentPart[] {
  if (typeof value === 'string') return value;
  return value.map((partValue, index) => toContentPart(partValue, `${where}.content[${index}]`));
}

function textOnly(value: string | OpenAIContentPart[] | null | undefined, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return value
    .map((partValue, index) => {
      if (partValue.type === 'text') return partValue.text;
      throw new ServeRequestError(
        400,
        `${where}.content[${index}]: only text parts are allowed in this message`,
        {
          param: `${where}.content[${index}]`,
          openaiCode: 'invalid_value',
        },
      );
    })
    .join('');
}

function parseArguments(json: string, where: string): Record<string, unknown> {
  try {
    const value = JSON.parse(json || '{}') as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new ServeRequestError(
    400,
    `${where}.function.arguments must be a JSON object, got ${json.slice(0, 80)}`,
    {
      param: `${where}.function.arguments`,
      openaiCode: 'invalid_value',
    },
  );
}

function toMessage(
  m: OpenAIChatRequest['messages'][number],
  index: number,
  all: OpenAIChatRequest['messages'],
): Message {
  const where = `messages[${index}]`;
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOnly(m.content, where) };
    case 'user':
      return { role: 'user', content: toContent(m.content, where) };
    case 'assistant': {
      const assistant: Message = { role: 'assistant', content: textOnly(m.content, where) };
      if (m.tool_calls?.length) {
        assistant.toolCalls = m.tool_calls.map((call, callIndex) => ({
          id: call.id,
          name: call.function.name,
          args: parseArguments(call.function.arguments, `${where}.tool_calls[${callIndex}]`),
        }));
      }
      if (m.reasoning_content) assistant.reasoning = m.reasoning_content;
      return assistant;
    }
    case 'tool': {
      const call = all
        .slice(0, index)
        .flatMap((earlier) => (earlier.role === 'assistant' ? (earlier.tool_calls ?? []) : []))
        .find((c) => c.id === m.tool_call_id);
      return {
        role: 'tool',
        toolCallId: m.tool_call_id,
        name: m.name ?? call?.function.name ?? '',
        content: toContent(m.content, where),
      };
    }
  }
}

/** Converts a validated Chat Completions request into Hearth's {@link GenerateRequest}. */
export function toGenerateRequest(body: OpenAIChatRequest, signal: AbortSignal): GenerateRequest {
  const messages = body.messages.map((m, index) => toMessage(m, index, body.messages));

  const request: GenerateRequest = { messages, signal };
  const tools: ToolSpec[] | undefined = body.tools?.map((tool) => ({
    name: tool.function.name,
    description: tool.function.description ?? '',
    parameters: tool.function.parameters ?? { type: 'object', properties: {} },
  }));
  const choice = body.tool_choice;
  if (typeof choice === 'object') {
    if (!tools?.some((tool) => tool.name === choice.function.name)) {
      throw new ServeRequestError(400, `tool_choice names "${choice.function.name}", which is not in tools`, {
        param: 'tool_choice',
        openaiCode: 'invalid_value',
      });
    }
    request.toolChoice = { name: choice.function.name };
  } else if (choice) request.toolChoice = choice;
  if (tools?.length) request.tools = tools;

  const format = body.response_format;
  if (format?.type === 'json_object')
    request.responseFormat = { type: 'json_schema', schema: { type: 'object' } };
  else if (format?.type === 'json_schema') {
    request.responseFormat = {
      type: 'json_schema',
      schema: format.json_schema.schema ?? { type: 'object' },
      name: format.json_schema.name,
    };
  }

  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens) request.maxTokens = maxTokens;
  if (body.stop) request.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  const sampling: SamplingOptions = {};
  if (body.temperature === 0) sampling.greedy = true;
  else if (typeof body.temperature === 'number') sampling.temperature = body.temperature;
  if (typeof body.top_p === 'number') sampling.topP = body.top_p;
  if (typeof body.top_k === 'number') sampling.topK = body.top_k;
  if (typeof body.min_p === 'number') sampling.minP = body.min_p;
  if (typeof body.seed === 'number') sampling.seed = body.seed;
  if (Object.keys(sampling).length > 0) request.sampling = sampling;
  if (body.thinking !== undefined) request.thinking = body.thinking;
  if (body.mtp !== undefined) request.engineOptions = { 'llama-node': { mtp: body.mtp } };
  return request;
}
