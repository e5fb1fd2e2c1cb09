/**
 * The part of OpenAI's Chat Completions wire format that Hearth speaks, both as a client (the
 * `openai` engine) and as a server (`hearth serve`). Field names are OpenAI's, snake_case included.
 */

export type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } };

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAIMessage =
  | { role: 'system' | 'developer'; content: string | OpenAIContentPart[] }
  | { role: 'user'; content: string | OpenAIContentPart[] }
  | {
      role: 'assistant';
      content?: string | OpenAIContentPart[] | null;
      tool_calls?: OpenAIToolCall[];
      /** Non-standard, used by llama.cpp's server, vLLM and DeepSeek for thinking text. */
      reasoning_content?: string;
    }
  | { role: 'tool'; tool_call_id: string; content: string | OpenAIContentPart[]; name?: string };

export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type OpenAIToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; function: { name: string } };

export type OpenAIResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string };
    };

export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIMessage[];
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  response_format?: OpenAIResponseFormat;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  temperature?: number;
  top_p?: number;
  /** Non-standard, accepted by llama.cpp's server, vLLM, Ollama and `hearth serve`. */
  top_k?: number;
  /** Non-standard, as `top_k`. */
  min_p?: number;
  seed?: number;
  n?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  /** Hearth extension: thinking on/off. */
  thinking?: boolean;
  /** llama.cpp's server and vLLM: variables for the chat template (`enable_thinking`). */
  chat_template_kwargs?: Record<string, unknown>;
  /** Hearth extension (`hearth serve`): use the MTP drafter (default true). */
  mtp?: boolean;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** What `hearth serve` adds to each answer, beyond OpenAI's fields, so the `openai` engine loses nothing. */
export interface HearthExtension {
  timings: {
    prefillMs: number;
    decodeMs: number;
    prefillTokensPerSecond: number;
    decodeTokensPerSecond: number;
  };
  mtp: unknown;
  /** Hearth's own finish reason (`abort` has no OpenAI spelling). */
  finishReason: string;
}

export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      tool_calls?: OpenAIToolCall[];
      reasoning_content?: string;
    };
    finish_reason: OpenAIFinishReason | null;
    logprobs: null;
  }>;
  usage?: OpenAIUsage;
  /** llama.cpp's server timings (milliseconds, tokens per second). */
  timings?: {
    prompt_ms?: number;
    predicted_ms?: number;
    prompt_per_second?: number;
    predicted_per_second?: number;
  };
  hearth?: HearthExtension;
}

export interface OpenAIChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      reasoning_content?: string;
      tool_calls?: Array<{
        index: number;
        id?: string;
        type?: 'function';
        function?: { name?: string; arguments?: string };
      }>;
    };
    finish_reason: OpenAIFinishReason | null;
    logprobs?: null;
  }>;
  usage?: OpenAIUsage | null;
  timings?: OpenAIChatCompletion['timings'];
  hearth?: HearthExtension;
}

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
