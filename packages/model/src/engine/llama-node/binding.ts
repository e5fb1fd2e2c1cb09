import { createRequire } from 'node:module';
import type { LlamaSampling } from './sampling.js';

/*
 * The part of `@fugood/llama.node` 1.7.15 that Hearth uses, typed here. The package ships its
 * TypeScript sources instead of declaration files, and those do not compile under Hearth's strict
 * settings, so Hearth loads it with `require` and describes the calls it makes itself.
 */

export type MessagePart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { format: 'wav' | 'mp3'; data: string } };

export interface ChatMessage {
  role: string;
  content?: string | MessagePart[];
  [key: string]: unknown;
}

export interface Tool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export type SpeculativeOption =
  | false
  | { type: 'draft-mtp'; n_max: number; draft: { model: string | undefined } };

export interface LoadOptions {
  model: string;
  n_ctx: number;
  n_batch: number;
  n_threads: number;
  n_parallel: number;
  /** Keep the whole sliding-window KV cache (needed to resume a saved state past the window). */
  swa_full?: boolean;
  speculative?: SpeculativeOption;
}

export interface GrammarTrigger {
  type: number;
  value: string;
  token: number;
}

export interface FormattedChat {
  type: 'jinja' | 'llama-chat';
  prompt: string;
  has_media: boolean;
  media_paths?: string[];
  grammar: string;
  grammar_lazy: boolean;
  grammar_triggers: GrammarTrigger[];
  preserved_tokens: string[];
  additional_stops: string[];
}

/** Options of a queued (slot) completion. */
/** Sampling fields come from `LlamaSampling` (sampling.ts), the one place that knows llama.node's samplers. */
export interface SlotCompletionOptions extends LlamaSampling {
  prompt: string;
  media_paths?: string[];
  grammar?: string;
  grammar_lazy?: boolean;
  grammar_triggers?: GrammarTrigger[];
  preserved_tokens?: string[];
  n_predict: number;
  stop?: string[];
  speculative: SpeculativeOption;
  load_state_path?: string;
  save_state_path?: string;
}

/** The final result of a queued completion. */
export interface SlotCompletionResult {
  requestId: number;
  text: string;
  stopped_eos: boolean;
  stopped_limit: boolean;
  stopped_word: boolean;
  context_full: boolean;
  tokens_evaluated: number;
  tokens_predicted: number;
  draft_tokens?: number;
  draft_tokens_accepted?: number;
  timings: {
    /** Prompt tokens taken from the loaded state (prefix reuse). */
    cache_n: number;
    /** Prompt tokens evaluated by this request (media tokens included). */
    prompt_n: number;
    prompt_ms: number;
    prompt_per_second: number;
    predicted_n: number;
    predicted_ms: number;
    predicted_per_second: number;
  };
}

/** What the native callback of a queued completion receives: a token, or the final result. */
export type SlotEvent = (SlotCompletionResult & { token?: undefined; error?: string }) | { token: string };

export interface NativeContext {
  queueCompletion(
    options: SlotCompletionOptions,
    callback: (error: unknown, event: SlotEvent | undefined) => void,
  ): { requestId: number };
  cancelRequest(requestId: number): void;
}

export interface LlamaContext {
  ctx: NativeContext;
  parallel: {
    enable(options: { n_parallel: number; n_batch: number }): Promise<boolean>;
    disable(): void;
  };
  getModelInfo(): { metadata: Record<string, string> };
  getFormattedChat(
    messages: ChatMessage[],
    template: undefined,
    params: {
      jinja: boolean;
      tools?: Tool[];
      tool_choice?: string;
      parallel_tool_calls?: boolean;
      enable_thinking: boolean;
    },
  ): FormattedChat;
  tokenize(text: string, options?: { media_paths?: string[] }): Promise<{ tokens: Int32Array }>;
  detokenize(tokens: number[]): Promise<string>;
  initMultimodal(options: { path: string; use_gpu: boolean }): boolean;
  getMultimodalSupport(): { vision: boolean; audio: boolean };
  release(): Promise<void>;
}

const binding = createRequire(import.meta.url)('@fugood/llama.node') as {
  loadModel(options: LoadOptions): Promise<LlamaContext>;
};

/** Loads a model (and, with `speculative`, its MTP drafter) into a new llama.node context. */
export function loadLlamaContext(options: LoadOptions): Promise<LlamaContext> {
  return binding.loadModel(options);
}
