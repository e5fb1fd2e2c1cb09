import type {
  ContentPart,
  Engine,
  EngineCapabilities,
  EngineInfo,
  FinishReason,
  GenerateDelta,
  GenerateRequest,
  GenerateResult,
  Message,
  MtpStats,
  Timings,
  ToolCall,
  Usage,
} from '@hearth/engine';
import { readStreamResult } from '@hearth/engine';
import { EngineLoadError } from '../../errors/engine-load-error.js';
import { OpenAIRequestError } from '../../errors/openai-request-error.js';
import { checkOptions } from '../check-options.js';
import { forcedTools } from '../forced-tool-call.js';
import { toMediaDataUrl } from '../llama-node/media.js';
import { readServerSentEvents } from './sse.js';
import type {
  OpenAIChatCompletionChunk,
  OpenAIChatRequest,
  OpenAIContentPart,
  OpenAIErrorBody,
  OpenAIFinishReason,
  OpenAIMessage,
} from './wire.js';

const ENGINE = 'openai';

/** Options of {@link connectOpenAIEngine}. */
export interface OpenAIEngineOptions {
  /** The server's API root, e.g. `http://127.0.0.1:11434/v1` (Ollama) or `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  /** Model id as the server names it. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** What the model can take. Default: what the server advertises in `/models` (hearth serve does), else text, tools and JSON schema only. */
  capabilities?: Partial<EngineCapabilities>;
  /** Context window, when the server does not report one in `/models` (0 = unknown). */
  contextSize?: number;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
}

/** A `/models` entry; the optional fields are extensions that servers use to describe the model. */
interface ModelEntry {
  id: string;
  /** hearth serve and LM Studio. */
  context_length?: number;
  /** vLLM. */
  max_model_len?: number;
  /** llama.cpp's server. */
  meta?: { n_ctx_train?: number };
  /** hearth serve. */
  capabilities?: Partial<EngineCapabilities>;
}

const BASIC_CAPABILITIES: EngineCapabilities = {
  image: false,
  audio: false,
  tools: true,
  jsonSchema: true,
  thinking: false,
  mtp: false,
};

/**
 * Connects to an OpenAI-compatible server (Ollama, vLLM, SGLang, LM Studio, llama.cpp's server,
 * `hearth serve`, OpenAI itself) and returns it as an {@link Engine}: chat completions over SSE,
 * tools, `image_url` / `input_audio` parts, `response_format` JSON schema, usage. It checks first
 * that the server answers and knows the model.
 *
 * @throws {EngineOptionsError} when an option is unknown (e.g. the openai SDK's `baseURL`), missing or ill-typed.
 * @throws {EngineLoadError} when the server cannot be reached or does not list the model.
 */
export async function connectOpenAIEngine(options: OpenAIEngineOptions): Promise<Engine> {
  checkOptions('connectOpenAIEngine', options, {
    baseUrl: { type: 'string', required: true },
    model: { type: 'string', required: true },
    apiKey: { type: 'string' },
    capabilities: { type: 'object' },
    contextSize: { type: 'number' },
    headers: { type: 'object' },
  });
  const client = new OpenAIClient(options);
  let entries: ModelEntry[];
  try {
    entries = ((await client.getJson('/models')) as { data?: ModelEntry[] }).data ?? [];
  } catch (error) {
    throw new EngineLoadError(
      ENGINE,
      options.model,
      `${options.baseUrl} did not answer: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const entry = entries.find((candidate) => candidate.id === options.model);
  if (entries.length > 0 && !entry) {
    const names = entries.map((candidate) => candidate.id).join(', ');
    throw new EngineLoadError(
      ENGINE,
      options.model,
      `${options.baseUrl} does not serve it (it serves: ${names})`,
    );
  }
  const info: EngineInfo = {
    engine: ENGINE,
    model: options.model,
    contextSize:
      entry?.context_length ?? entry?.max_model_len ?? entry?.meta?.n_ctx_train ?? options.contextSize ?? 0,
    capabilities: { ...BASIC_CAPABILITIES, ...entry?.capabilities, ...options.capabilities },
  };
  return new OpenAIEngine(client, info);
}

class OpenAIClient {
  readonly baseUrl: string;
  constructor(private readonly options: OpenAIEngineOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.options.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }

  async request(
    path: string,
    init: { method: string; body?: unknown; signal?: AbortSignal },
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        headers: this.headers(),
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new OpenAIRequestError(`cannot reach ${url} (${reason}); is the server running?`, {
        status: 0,
        url,
        cause: error,
      });
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text.slice(0, 500);
      let type: string | undefined;
      try {
        const body = JSON.parse(text) as Partial<OpenAIErrorBody> & { message?: string };
        message = body.error?.message ?? body.message ?? message;
        type = body.error?.type;
      } catch {
        // Not JSON: keep the raw text.
      }
      throw new OpenAIRequestError(`${url} answered ${response.status}: ${message}`, {
        status: response.status,
        url,
        type,
      });
    }
    return response;
  }

  async getJson(path: string): Promise<unknown> {
    return (await this.request(path, { method: 'GET' })).json();
  }
}

class OpenAIEngine implements Engine {
  constructor(
    private readonly client: OpenAIClient,
    readonly info: EngineInfo,
  ) {}

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return readStreamResult(this.stream(request), 'openai');
  }

  async *stream(request: GenerateRequest): AsyncGenerator<GenerateDelta> {
    const body = await toOpenAIRequest(this.info.model, request);
    const started = performance.now();
    let firstDeltaAt: number | undefined;
    let text = '';
    let reasoning = '';
    let deltaCount = 0;
    let finish: FinishReason | undefined;
    let usage: Usage | undefined;
    let serverTimings: Timings | undefined;
    let mtp: MtpStats | null = null;
    let model = this.info.model;
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    let aborted = false;

    try {
      const response = await this.client.request('/chat/completions', {
        method: 'POST',
        body,
        signal: request.signal,
      });
      if (!response.body) throw new Error('the server sent no body');
      for await (const data of readServerSentEvents(response.body)) {
        if (data === '[DONE]') break;
        const chunk = parseChunk(data, this.client.baseUrl);
        if (chunk.model) model = chunk.model;
        if (chunk.usage) {
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
          const cached = chunk.usage.prompt_tokens_details?.cached_tokens;
          if (cached !== undefined) usage.cachedPromptTokens = cached;
        }
        if (chunk.hearth) {
          serverTimings = chunk.hearth.timings;
          mtp = chunk.hearth.mtp as MtpStats | null;
          if (chunk.hearth.finishReason === 'abort') finish = 'abort';
        } else if (chunk.timings?.prompt_ms !== undefined) {
          serverTimings = {
            prefillMs: chunk.timings.prompt_ms,
            decodeMs: chunk.timings.predicted_ms ?? 0,
            prefillTokensPerSecond: chunk.timings.prompt_per_second ?? 0,
            decodeTokensPerSecond: chunk.timings.predicted_per_second ?? 0,
          };
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta ?? {};
        // Ollama and newer vLLM spell it `reasoning`.
        const reasoningText = delta.reasoning_content ?? (delta as { reasoning?: string }).reasoning;
        if (reasoningText) {
          firstDeltaAt ??= performance.now();
          reasoning += reasoningText;
          deltaCount++;
          yield { type: 'reasoning', text: reasoningText };
        }
        if (delta.content) {
          firstDeltaAt ??= performance.now();
          text += delta.content;
          deltaCount++;
          yield { type: 'text', text: delta.content };
        }
        for (const part of delta.tool_calls ?? []) {
          firstDeltaAt ??= performance.now();
          const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          calls.set(part.index, call);
        }
        if (choice.finish_reason && finish !== 'abort') finish = fromOpenAIFinish(choice.finish_reason);
      }
    } catch (error) {
      if (!request.signal?.aborted) throw error;
      aborted = true;
    }

    const toolCalls: ToolCall[] = aborted
      ? []
      : [...calls.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, call]) => ({
            id: call.id || `call_${index}`,
            name: call.name,
            args: parseArguments(call.arguments, call.name, this.client.baseUrl),
          }));
    for (const toolCall of toolCalls) yield { type: 'tool-call', toolCall };

    const ended = performance.now();
    const firstAt = firstDeltaAt ?? ended;
    const completionTokens = usage?.completionTokens ?? deltaCount;
    const clientTimings: Timings = {
      prefillMs: firstAt - started,
      decodeMs: ended - firstAt,
      prefillTokensPerSecond: 0,
      decodeTokensPerSecond:
        ended > firstAt ? (Math.max(0, completionTokens - 1) / (ended - firstAt)) * 1000 : 0,
    };
    const result: GenerateResult = {
      text,
      toolCalls,
      finishReason: aborted ? 'abort' : (finish ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop')),
      // Without a usage report (an aborted stream, a server ignoring include_usage) each delta counts as one token.
      usage: usage ?? { promptTokens: 0, completionTokens },
      timings: serverTimings ?? clientTimings,
      mtp,
      model,
    };
    if (reasoning) result.reasoning = reasoning;
    yield { type: 'done', result };
  }

  async close(): Promise<void> {
    // HTTP is stateless; nothing is held open between requests.
  }
}

function parseChunk(data: string, baseUrl: string): Partial<OpenAIChatCompletionChunk> & { error?: unknown } {
  let chunk: Partial<OpenAIChatCompletionChunk> & { error?: { message?: string; type?: string } };
  try {
    chunk = JSON.parse(data) as typeof chunk;
  } catch (error) {
    throw new OpenAIRequestError(`${baseUrl} sent a stream event that is not JSON: ${data.slice(0, 200)}`, {
      status: 200,
      url: `${baseUrl}/chat/completions`,
      cause: error,
    });
  }
  if (chunk.error) {
    throw new OpenAIRequestError(
      `${baseUrl} reported an error mid-stream: ${chunk.error.message ?? 'unknown'}`,
      {
        status: 200,
        url: `${baseUrl}/chat/completions`,
        type: chunk.error.type,
      },
    );
  }
  return chunk;
}

function parseArguments(json: string, name: string, baseUrl: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new OpenAIRequestError(
    `${baseUrl} returned a call to ${name} whose arguments are not a JSON object: ${json.slice(0, 200)}`,
    {
      status: 200,
      url: `${baseUrl}/chat/completions`,
    },
  );
}

function fromOpenAIFinish(reason: OpenAIFinishReason): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return 'stop';
  }
}

async function toOpenAIPart(part: ContentPart): Promise<OpenAIContentPart> {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image': {
      const isRemote = typeof part.image === 'string' && /^https?:\/\//.test(part.image);
      const url = isRemote ? (part.image as string) : await toMediaDataUrl(part.image, 'image');
      return { type: 'image_url', image_url: { url } };
    }
    case 'audio': {
      const dataUrl = await toMediaDataUrl(part.audio, 'audio');
      const match = /^data:audio\/([\w.+-]+);base64,(.*)$/s.exec(dataUrl);
      if (!match) throw new Error('unreachable: toMediaDataUrl returned a non-audio data URL');
      const format = match[1] === 'mpeg' ? 'mp3' : (match[1] as string);
      return { type: 'input_audio', input_audio: { data: match[2] as string, format } };
    }
  }
}

async function toOpenAIContent(content: string | ContentPart[]): Promise<string | OpenAIContentPart[]> {
  if (typeof content === 'string') return content;
  return Promise.all(content.map(toOpenAIPart));
}

/**
 * Chat Completions only allow text in tool messages, so media a tool returned (a screenshot) follows
 * as a user message right after the tool results, which is how OpenAI-compatible models see it.
 */
async function toOpenAIMessages(messages: readonly Message[]): Promise<OpenAIMessage[]> {
  const out: OpenAIMessage[] = [];
  let pendingMedia: OpenAIContentPart[] = [];
  const flushMedia = () => {
    if (pendingMedia.length === 0) return;
    out.push({
      role: 'user',
      content: [{ type: 'text', text: 'Media returned by the tools above:' }, ...pendingMedia],
    });
    pendingMedia = [];
  };
  for (const message of messages) {
    if (message.role !== 'tool') flushMedia();
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: message.content });
        break;
      case 'user':
        out.push({ role: 'user', content: await toOpenAIContent(message.content) });
        break;
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        out.push({
          role: 'assistant',
          content: message.content === '' && calls.length > 0 ? null : message.content,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.name, arguments: JSON.stringify(call.args) },
                })),
              }
            : {}),
        });
        break;
      }
      case 'tool': {
        const parts = await toOpenAIContent(message.content);
        const text =
          typeof parts === 'string'
            ? parts
            : parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
        if (typeof parts !== 'string') pendingMedia.push(...parts.filter((part) => part.type !== 'text'));
        out.push({ role: 'tool', tool_call_id: message.toolCallId, name: message.name, content: text });
        break;
      }
    }
  }
  flushMedia();
  return out;
}

/**
 * Builds the streaming Chat Completions body for a Hearth request. Non-standard fields are sent only when set.
 *
 * @throws ToolChoiceError when `toolChoice` names a tool the request does not have (as local engines do).
 */
export async function toOpenAIRequest(model: string, request: GenerateRequest): Promise<OpenAIChatRequest> {
  forcedTools(request); // only for its check: a named tool must be among the request's tools
  const body: OpenAIChatRequest = {
    model,
    messages: await toOpenAIMessages(request.messages),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    if (typeof request.toolChoice === 'object')
      body.tool_choice = { type: 'function', function: { name: request.toolChoice.name } };
    else if (request.toolChoice) body.tool_choice = request.toolChoice;
  }
  if (request.responseFormat) {
    body.response_format = {
      type: 'json_schema',
      json_schema: {
        name: request.responseFormat.name ?? 'response',
        schema: request.responseFormat.schema,
        strict: true,
      },
    };
  }
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  const sampling = request.sampling ?? {};
  if (sampling.greedy) body.temperature = 0;
  else {
    if (sampling.temperature !== undefined) body.temperature = sampling.temperature;
    if (sampling.topP !== undefined) body.top_p = sampling.topP;
    if (sampling.topK !== undefined) body.top_k = sampling.topK;
    if (sampling.minP !== undefined) body.min_p = sampling.minP;
  }
  if (sampling.seed !== undefined) body.seed = sampling.seed;
  if (request.thinking !== undefined) {
    body.thinking = request.thinking;
    // llama.cpp's server and vLLM switch Gemma/Qwen thinking through the chat template's kwargs.
    body.chat_template_kwargs = { enable_thinking: request.thinking };
  }
  return { ...request.engineOptions?.openai?.extraBody, ...body };
}
