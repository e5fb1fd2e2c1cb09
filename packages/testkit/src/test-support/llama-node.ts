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

export interface GrammarTrigger {
  type: number;
  value: string;
  token?: number;
}

export interface JinjaFormattedChatResult {
  prompt: string;
  /** Media of the chat's `image_url` / `input_audio` parts, in the order of their `<__media__>` markers. */
  media_paths?: string[];
  chat_format?: number;
  chat_parser?: string;
  generation_prompt?: string;
  thinking_forced_open?: boolean;
  thinking_start_tag?: string;
  thinking_end_tag?: string;
  grammar?: string;
  grammar_lazy?: boolean;
  grammar_triggers?: GrammarTrigger[];
  preserved_tokens?: string[];
  additional_stops?: string[];
  [key: string]: unknown;
}

/** The final result of a slot (queued) completion. */
export interface SlotCompletionResult {
  requestId: number;
  text: string;
  /** Set when the request passed the template's `chat_format`: the reply without reasoning or tool calls. */
  content?: string;
  reasoning_content?: string;
  tool_calls?: ToolCall[];
  stopped_eos: boolean;
  stopped_limit: boolean;
  stopped_word: boolean;
  context_full: boolean;
  tokens_predicted: number;
  // `tokens_evaluated` is left out on purpose: in 1.7.15 the slot API reports the predicted count
  // there, not the prompt's size. The prompt's size is `timings.cache_n + timings.prompt_n`.
  draft_tokens?: number;
  draft_tokens_accepted?: number;
  timings: {
    /** Prompt tokens taken from a loaded state (always 0 here: the helper loads none). */
    cache_n: number;
    /** Prompt tokens this request evaluated, media tokens included. */
    prompt_n: number;
    predicted_n: number;
    [key: string]: number;
  };
  error?: string;
}

type SlotEvent = SlotCompletionResult | { token: string };

export type LlamaModelOptions = { model: string; [key: string]: unknown };

export interface LlamaContext {
  /**
   * The binding's plain completion. Tests do not call it: sequential calls on one context can wedge
   * in "Another completion is in progress" (see `slotCompletion`).
   */
  completion(options: Record<string, unknown>): Promise<unknown>;
  /** Synchronous in 1.7.15 when `jinja` is set. */
  getFormattedChat(
    messages: unknown[],
    template?: string | null,
    options?: Record<string, unknown>,
  ): JinjaFormattedChatResult;
  getModelInfo(): { metadata: Record<string, string>; [key: string]: unknown };
  initMultimodal(options: { path: string; use_gpu?: boolean }): Promise<boolean>;
  /** Tokens of `text`; with `media_paths` each medium's tokens are included (as -1 placeholders). */
  tokenize(text: string, options?: { media_paths?: string[] }): Promise<{ tokens: Int32Array }>;
  detokenize(tokens: number[]): Promise<string>;
  /** The native context, for the slot API's raw queue. */
  ctx: {
    queueCompletion(
      options: Record<string, unknown>,
      callback: (error: unknown, event: SlotEvent | undefined) => void,
    ): { requestId: number };
  };
  parallel: {
    enable(options: { n_parallel: number; n_batch: number }): Promise<boolean>;
    disable(): void;
    isEnabled(): boolean;
  };
  release(): Promise<void>;
}

export const { loadModel } = createRequire(import.meta.url)('@fugood/llama.node') as {
  loadModel(options: LlamaModelOptions): Promise<LlamaContext>;
};

/** A chat turn for `slotCompletion`, rendered with the model's Jinja template. */
export interface SlotChat {
  messages: unknown[];
  tools?: unknown[];
  tool_choice?: string;
  enable_thinking?: boolean;
  /** `'auto'` splits reasoning and tool calls out of the reply (`content`, `tool_calls`). */
  reasoning_format?: 'none' | 'auto' | 'deepseek';
}

/** What to complete: a raw text prompt or a chat, plus completion options (sampling, `n_predict`...). */
export type SlotRequest = ({ prompt: string; chat?: never } | { chat: SlotChat; prompt?: never }) & {
  n_predict: number;
  /** Replaces the template's (lazy) tool-call grammar. */
  grammar?: string;
  /** A drafter's MTP settings; the context must have been loaded with the drafter. */
  speculative?: unknown;
  [option: string]: unknown;
};

/** A slot result, with the prompt and media exactly as they were queued (for `tokenize`). */
export type SlotCompletion = SlotCompletionResult & { prompt: string; media_paths?: string[] };

/** Batch of the slot manager; every test context holds at least this many tokens (a larger one aborts). */
const SLOT_BATCH = 512;

/** Per context: slot mode enabled, and the BOS text to prepend ('' when the model adds none). */
const slotSetups = new WeakMap<LlamaContext, Promise<string>>();

function setUpSlots(context: LlamaContext): Promise<string> {
  let setup = slotSetups.get(context);
  if (!setup) {
    setup = (async () => {
      if (!(await context.parallel.enable({ n_parallel: 1, n_batch: SLOT_BATCH }))) {
        throw new Error('llama.node could not enable its slot (parallel) API');
      }
      const metadata = context.getModelInfo().metadata;
      const bosId = Number(metadata['tokenizer.ggml.bos_token_id']);
      const addBos = metadata['tokenizer.ggml.add_bos_token'] !== 'false' && Number.isInteger(bosId);
      return addBos ? context.detokenize([bosId]) : '';
    })();
    slotSetups.set(context, setup);
  }
  return setup;
}

/**
 * Runs one completion through llama.node's slot API (one slot), the way Hearth's `llama-node`
 * engine does, so that no test can hit the binding's plain-`completion()` race: sequential
 * `completion()` calls on one context can wedge in "Another completion is in progress" (a known
 * llama.node 1.7.15 bug, see the Gemma 4 facts file), while the slot API queues requests.
 *
 * What the slot API leaves to the caller, done here as the engine does it:
 * - a chat is rendered with `getFormattedChat(..., {jinja: true})`, and its media go as `media_paths`;
 *   the template's chat format, parser and stop texts are passed on, so llama.cpp still splits the
 *   reply into `content`, `reasoning_content` and `tool_calls`;
 * - BOS: the slot API does not add it to a text prompt, so it is prepended here. A prompt with media
 *   is tokenized by mtmd, which adds BOS itself, so none is prepended there (it would be doubled).
 *
 * Enables slot mode on the context at its first call; release the context with `releaseContext`.
 * A failed request rejects (it never leaves the promise pending on an error callback).
 */
export async function slotCompletion(context: LlamaContext, request: SlotRequest): Promise<SlotCompletion> {
  const bos = await setUpSlots(context);
  const { prompt: rawPrompt, chat, ...options } = request;
  let prompt: string;
  let mediaPaths: string[] = [];
  const fromTemplate: Record<string, unknown> = {};
  if (chat) {
    const { messages, reasoning_format, ...params } = chat;
    const formatted = context.getFormattedChat(messages, undefined, {
      jinja: true,
      add_generation_prompt: true,
      ...(reasoning_format ? { reasoning_format } : {}),
      ...params,
    });
    prompt = formatted.prompt;
    mediaPaths = formatted.media_paths ?? [];
    Object.assign(fromTemplate, {
      chat_format: formatted.chat_format,
      chat_parser: formatted.chat_parser,
      generation_prompt: formatted.generation_prompt,
      thinking_forced_open: formatted.thinking_forced_open,
      thinking_start_tag: formatted.thinking_start_tag,
      thinking_end_tag: formatted.thinking_end_tag,
      preserved_tokens: formatted.preserved_tokens,
      ...(reasoning_format ? { reasoning_format } : {}),
      ...(formatted.additional_stops?.length ? { stop: formatted.additional_stops } : {}),
      // With tools, the template's lazy grammar (armed by the call marker) unless the test sets one.
      ...(chat.tools && formatted.grammar && request.grammar === undefined
        ? {
            grammar: formatted.grammar,
            grammar_lazy: formatted.grammar_lazy,
            grammar_triggers: formatted.grammar_triggers,
          }
        : {}),
    });
  } else {
    prompt = rawPrompt;
  }
  if (mediaPaths.length === 0 && bos && !prompt.startsWith(bos)) prompt = bos + prompt;
  const queued: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(fromTemplate).filter(([, value]) => value !== undefined)),
    ...options,
    prompt,
    ...(mediaPaths.length ? { media_paths: mediaPaths } : {}),
  };
  const result = await queue(context, queued);
  return { ...result, prompt, ...(mediaPaths.length ? { media_paths: mediaPaths } : {}) };
}

function queue(context: LlamaContext, options: Record<string, unknown>): Promise<SlotCompletionResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    // One slot, one request at a time per test: a callback belongs to the request queued here.
    const callback = (error: unknown, event: SlotEvent | undefined) => {
      if (settled) return;
      if (error) {
        settled = true;
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (!event || ('token' in event && event.token !== undefined) || !('timings' in event)) return;
      settled = true;
      if (event.error) {
        reject(new Error(`llama.node slot completion failed: ${event.error}`));
        return;
      }
      // A slot that failed (e.g. MTP with media) reports an empty result with no stop reason; the
      // reason is only on stderr.
      if (event.tokens_predicted === 0 && !event.stopped_eos && !event.stopped_word && !event.stopped_limit) {
        reject(new Error('llama.node stopped without output (its reason is printed on stderr)'));
        return;
      }
      resolve(event);
    };
    try {
      context.ctx.queueCompletion(options, callback);
    } catch (error) {
      settled = true;
      reject(error);
    }
  });
}

/** Leaves slot mode (when `slotCompletion` entered it) and releases the context. */
export async function releaseContext(context: LlamaContext): Promise<void> {
  if (context.parallel.isEnabled()) context.parallel.disable();
  slotSetups.delete(context);
  await context.release();
}
