import { createRequire } from 'node:module';

/*
 * @fugood/llama.node ships TypeScript sources rather than declarations, and they do not compile under
 * our strict settings, so tests load it with `require` and describe the few calls they make here.
 */

export interface ToolCall {
  type: 'function';
  id?: string;
  function: { name: string; arguments: string };
}

export interface JinjaFormattedChatResult {
  prompt: string;
  chat_format?: number;
  grammar?: string;
  grammar_lazy?: boolean;
  grammar_triggers?: Array<{ type: number; value: string; token?: number }>;
  preserved_tokens?: string[];
  additional_stops?: string[];
  [key: string]: unknown;
}

export interface CompletionResult {
  text: string;
  content?: string;
  reasoning_content?: string;
  tool_calls?: ToolCall[];
  tokens_predicted: number;
  tokens_evaluated: number;
  timings: { prompt_n: number; predicted_n: number; [key: string]: number };
  draft_tokens?: number;
  draft_tokens_accepted?: number;
  [key: string]: unknown;
}

export type LlamaModelOptions = { model: string; [key: string]: unknown };

export interface LlamaContext {
  completion(options: Record<string, unknown>): Promise<CompletionResult>;
  /** Synchronous in 1.7.15 when `jinja` is set. */
  getFormattedChat(
    messages: unknown[],
    template?: string | null,
    options?: Record<string, unknown>,
  ): JinjaFormattedChatResult;
  getModelInfo(): { metadata: Record<string, string>; [key: string]: unknown };
  initMultimodal(options: { path: string; use_gpu?: boolean }): Promise<boolean>;
  release(): Promise<void>;
}

export const { loadModel } = createRequire(import.meta.url)('@fugood/llama.node') as {
  loadModel(options: LlamaModelOptions): Promise<LlamaContext>;
};
