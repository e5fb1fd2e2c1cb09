import { existsSync, statfsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Engine,
  EngineInfo,
  FinishReason,
  GenerateDelta,
  GenerateRequest,
  GenerateResult,
  MtpStats,
} from '@hearth/engine';
import { streamGeneration } from '@hearth/engine';
import { EngineLoadError } from '../../errors/engine-load-error.js';
import { GenerationFailedError } from '../../errors/generation-failed-error.js';
import { MediaInputError } from '../../errors/media-input-error.js';
import { checkGenerateRequest } from '../../media-check/check-request.js';
import { Gemma4ReplyReader } from '../gemma4-reply.js';
import { jsonSchemaGrammar } from '../json-schema-grammar.js';
import {
  type LlamaContext,
  loadLlamaContext,
  type SlotCompletionOptions,
  type SlotCompletionResult,
  type SlotEvent,
} from './binding.js';
import { refuseUnsupportedMedia, toLlamaChat, toLlamaTools } from './chat-messages.js';
import { toLlamaSampling } from './sampling.js';
import { validateLlamaNodeFiles } from './validate-files.js';

const ENGINE = 'llama-node';
/** A cached prompt prefix this long (about 500 tokens) is worth more than MTP on one turn. */
const PREFER_CACHE_OVER_MTP_CHARS = 2048;

/** How to load a model set into the `llama-node` engine. Paths must be local GGUF files. */
export interface LlamaNodeEngineOptions {
  /** Target model (`gemma4`) GGUF. */
  model: string;
  /** MTP drafter (`gemma4-assistant`) GGUF; enables `draft-mtp` speculative decoding. */
  drafter?: string;
  /** Unified multimodal projector (`clip`, `gemma4uv` + `gemma4ua`) GGUF; enables image and audio parts. */
  mmproj?: string;
  /** Name reported in `info.model` and results; default: the target's file name. */
  name?: string;
  /** KV-cache size in tokens; default 8192. */
  contextSize?: number;
  /** CPU threads; default: all cores but one (at least 1). */
  threads?: number;
  /** Prompt batch size; default 512. */
  batchSize?: number;
  /** Tokens the drafter proposes per step; default 4. */
  draftMax?: number;
  /**
   * Keep the KV cache of the last call and reuse its common prefix (default true), so a growing
   * conversation evaluates only its new tokens. It keeps the full sliding-window cache (`swa_full`),
   * which costs memory on long contexts.
   */
  prefixCache?: boolean;
}

/** What a native completion reported, before Hearth turns it into a `GenerateResult`. */
interface NativeOutcome {
  result: SlotCompletionResult;
  aborted: boolean;
}

/**
 * The default engine: Gemma 4 through `@fugood/llama.node`, in this process. Text, image and audio
 * parts, tools in Gemma 4's native call syntax, JSON-schema output, thinking, MTP, prefix reuse.
 *
 * How it avoids llama.node's pitfalls (see the facts file; each has a regression test):
 * - completions go through the parallel (slot) API with one slot: plain `completion()` can wedge
 *   forever in "Another completion is in progress" after a fast or failed call;
 * - the slot API does not add BOS, so the engine formats the chat itself and prepends it;
 * - greedy decoding turns XTC and DRY off and fixes the seed (`toLlamaSampling`);
 * - JSON output uses a `grammar` built by Hearth from the schema (`jsonSchemaGrammar`: finite numbers;
 *   the addon ignores `json_schema`);
 * - `speculative` is passed on every call (an override sticks to the context otherwise), and MTP
 *   is left off for turns with media (the slot API refuses MTP with media);
 * - media are checked and turned into data URLs before the native side sees them (a missing file
 *   aborts the process, audio must be a data URL);
 * - prefix reuse: the slot API only reuses a KV prefix loaded from a state file, so the engine
 *   saves the slot's state after each call and loads it before the next (a tmpfs file when there
 *   is one); llama.node then evaluates only the tokens after the common prefix. The full
 *   sliding-window cache is kept (`swa_full`), else states longer than the window do not resume;
 * - the slot API cannot load a state into an MTP completion: a turn whose prompt mostly is cached
 *   decodes without MTP unless the request sets `engineOptions: {'llama-node': {mtp: true}}` (the
 *   stats say which and why);
 * - the slot batch is clamped to the context (a larger one aborts on a GGML assert), and a prompt
 *   longer than the context, which the slot API fails silently, gets an error saying so;
 * - a cancelled request gets no final callback, so an abort settles with what streamed so far.
 * Every request passes `checkGenerateRequest` (media headers and limits, JSON Schemas) and media are
 * decoded once through the tokenizer before the slot sees them; `HostedEngine` still isolates what
 * remains (a native bug) where input is not trusted. Calls are served one at a time in arrival order.
 */
export class LlamaNodeEngine implements Engine {
  readonly info: EngineInfo;
  private queue: Promise<unknown> = Promise.resolve();
  /** The prompt whose KV state the slot saved last (what the next call can reuse). */
  private lastPrompt = '';
  /** Numbers each completion's state file. */
  private stateSerial = 0;
  /** The state file of the last completion that finished (a cancelled one's may be half-written). */
  private finishedState: string | undefined;
  private closed = false;

  private constructor(
    private readonly context: LlamaContext,
    private readonly options: LlamaNodeEngineOptions,
    private readonly bosText: string,
    private readonly stateDir: string | undefined,
    info: EngineInfo,
  ) {
    this.info = info;
  }

  /**
   * Validates the files (GGUF structure; drafter and mmproj must match the target) and loads them.
   * Load in a child process (`HostedEngine`) unless a native crash may take this process down.
   *
   * @throws GgufValidationError or ModelSetMismatchError naming the bad file (nothing is loaded).
   * @throws EngineLoadError when llama.node refuses the multimodal projector.
   */
  static async load(options: LlamaNodeEngineOptions): Promise<LlamaNodeEngine> {
    const name = await validateLlamaNodeFiles(options);
    const contextSize = options.contextSize ?? 8192;
    // llama.cpp clamps its batch to the context; the slot manager must use the same batch, or a long
    // prompt trips GGML_ASSERT(n_tokens_all <= n_batch) and aborts the process.
    const batchSize = Math.min(options.batchSize ?? 512, contextSize);
    const context = await loadLlamaContext({
      model: options.model,
      n_ctx: contextSize,
      n_batch: batchSize,
      n_threads: options.threads ?? Math.max(1, availableParallelism() - 1),
      n_parallel: 1,
      // Gemma 4's sliding-window layers otherwise keep only the last window of the KV cache, and a
      // saved state that lost its start cannot be resumed: prefix reuse needs the full cache.
      swa_full: options.prefixCache !== false,
      // MTP needs the drafter at load time; per call it is switched with `speculative`.
      ...(options.drafter
        ? {
            speculative: {
              type: 'draft-mtp',
              n_max: options.draftMax ?? 4,
              draft: { model: options.drafter },
            },
          }
        : {}),
    });
    let media = { vision: false, audio: false };
    if (options.mmproj) {
      if (!context.initMultimodal({ path: options.mmproj, use_gpu: false })) {
        await context.release();
        throw new EngineLoadError(
          ENGINE,
          options.mmproj,
          'llama.node could not initialise the multimodal projector (its reason is printed on stderr)',
        );
      }
      media = context.getMultimodalSupport();
    }
    await context.parallel.enable({ n_parallel: 1, n_batch: batchSize });
    const metadata = context.getModelInfo().metadata;
    const bosId = Number(metadata['tokenizer.ggml.bos_token_id']);
    const addBos = metadata['tokenizer.ggml.add_bos_token'] !== 'false' && Number.isInteger(bosId);
    const bosText = addBos ? await context.detokenize([bosId]) : '';
    const stateDir =
      options.prefixCache === false ? undefined : await mkdtemp(join(stateParent(), 'hearth-kv-'));
    return new LlamaNodeEngine(context, options, bosText, stateDir, {
      engine: ENGINE,
      model: name,
      contextSize,
      capabilities: {
        image: media.vision,
        audio: media.audio,
        tools: true,
        jsonSchema: true,
        thinking: true,
        mtp: Boolean(options.drafter),
      },
    });
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.enqueue(() => this.run(request, () => {}));
  }

  stream(request: GenerateRequest): AsyncIterable<GenerateDelta> {
    // Queued like generate: one completion at a time in the slot.
    return streamGeneration(request, (request, onDelta) => this.enqueue(() => this.run(request, onDelta)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => {});
    this.context.parallel.disable();
    await this.context.release();
    if (this.stateDir) await rm(this.stateDir, { recursive: true, force: true });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('This llama-node engine is closed'));
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => {});
    return next;
  }

  private async run(
    unchecked: GenerateRequest,
    onDelta: (delta: GenerateDelta) => void,
  ): Promise<GenerateResult> {
    // Last stop before native code: media and schemas llama.cpp would crash on are refused here too.
    const request = await checkGenerateRequest(unchecked);
    refuseUnsupportedMedia(ENGINE, request.messages, this.info.capabilities, this.options.mmproj);
    const chat = await toLlamaChat(request.messages);
    const hasMedia = chat.images + chat.audios > 0;
    const { tools, forced, schema } = toLlamaTools(request);
    const schemaGrammar = schema ? jsonSchemaGrammar(schema) : undefined;
    const thinking = request.thinking ?? false;
    let formatted: ReturnType<LlamaContext['getFormattedChat']>;
    try {
      formatted = this.context.getFormattedChat(chat.messages, undefined, {
        jinja: true,
        ...(tools ? { tools, tool_choice: 'auto', parallel_tool_calls: true } : {}),
        enable_thinking: thinking,
      });
    } catch (error) {
      throw new GenerationFailedError(ENGINE, `the chat template failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (formatted.type !== 'jinja') {
      throw new GenerationFailedError(ENGINE, 'the model has no usable Jinja chat template');
    }
    // The slot API adds no BOS to a text prompt, but llama.cpp's media tokenizer (mtmd) adds its own:
    // adding one to a media prompt too would evaluate `<bos><bos>`.
    const prompt = formatted.media_paths?.length ? formatted.prompt : this.withBos(formatted.prompt);
    // llama.node cannot load a cached KV prefix into an MTP completion. When the caller leaves `mtp`
    // unset and a long prefix of this prompt is already cached (an agent loop, a chat), reusing it
    // saves more than MTP would, so this turn decodes plainly; `mtp: true` forces MTP.
    const cachedChars = this.stateDir ? commonPrefixLength(this.lastPrompt, prompt) : 0;
    const mtpRequested = request.engineOptions?.['llama-node']?.mtp;
    const preferCache = mtpRequested === undefined && cachedChars >= PREFER_CACHE_OVER_MTP_CHARS;
    const useMtp = Boolean(this.options.drafter) && mtpRequested !== false && !hasMedia && !preferCache;
    // Under a JSON schema the grammar decides where the reply ends. The template's stop texts (and
    // Gemma's channel/tool-call markers, below) are valid characters inside a JSON string, and a small
    // model does sample those tokens there, so they must not cut or split a JSON reply.
    const stop = [...(request.stop ?? []), ...(schemaGrammar ? [] : formatted.additional_stops)];
    const completion: SlotCompletionOptions = {
      prompt,
      ...(formatted.media_paths?.length ? { media_paths: formatted.media_paths } : {}),
      // JSON output gets the schema's grammar, which starts right at the reply; free tool calls get
      // the template's lazy grammar, armed by `<|tool_call>`.
      ...(schemaGrammar
        ? { grammar: schemaGrammar }
        : tools && formatted.grammar
          ? {
              grammar: formatted.grammar,
              grammar_lazy: formatted.grammar_lazy,
              grammar_triggers: formatted.grammar_triggers,
            }
          : {}),
      preserved_tokens: formatted.preserved_tokens,
      n_predict: request.maxTokens ?? -1,
      ...(stop.length ? { stop } : {}),
      ...toLlamaSampling(request.sampling),
      speculative: useMtp
        ? { type: 'draft-mtp', n_max: this.options.draftMax ?? 4, draft: { model: this.options.drafter } }
        : false,
    };

    const reader = new Gemma4ReplyReader(
      forced ? 'forced-tool-call' : schemaGrammar ? 'json' : 'text',
      request.stop ?? [],
      onDelta,
    );
    if (completion.media_paths) await this.decodeMediaFirst(completion);
    this.lastPrompt = prompt;
    const outcome = await this.complete(completion, request.signal, (token) => reader.push(token)).catch(
      async (error: unknown) => {
        throw (await this.promptTooLong(completion)) ?? error;
      },
    );
    const reply = reader.finish();
    const { result, aborted } = outcome;
    const finishReason: FinishReason = aborted
      ? 'abort'
      : reply.toolCalls.length > 0
        ? 'tool_calls'
        : result.stopped_limit && !reader.hitStopSequence
          ? 'length'
          : 'stop';
    const timings = result.timings;
    let mtp: MtpStats | null = null;
    if (this.options.drafter) {
      if (useMtp) {
        const drafted = result.draft_tokens ?? 0;
        const accepted = result.draft_tokens_accepted ?? 0;
        mtp = { used: true, drafted, accepted, acceptanceRate: drafted > 0 ? accepted / drafted : 0 };
      } else {
        mtp = {
          used: false,
          reason: hasMedia
            ? 'the turn carries media, and llama.node decodes media turns without MTP'
            : mtpRequested === false
              ? 'MTP was turned off for this request'
              : `the KV cache already held ${result.timings.cache_n} tokens of this prompt, and llama.node ` +
                "cannot reuse a cached prefix with MTP (pass engineOptions: {'llama-node': {mtp: true}} to prefer MTP)",
        };
      }
    }
    return {
      ...reply,
      finishReason,
      usage: {
        promptTokens: timings.cache_n + timings.prompt_n,
        completionTokens: result.tokens_predicted,
        cachedPromptTokens: timings.cache_n,
      },
      timings: {
        prefillMs: timings.prompt_ms,
        decodeMs: timings.predicted_ms,
        prefillTokensPerSecond: timings.prompt_per_second,
        decodeTokensPerSecond: timings.predicted_per_second,
      },
      mtp,
      model: this.info.model,
    };
  }

  /**
   * Decodes the request's media once through the tokenizer before the slot sees them. The slot
   * decodes media on a native thread, where a decoder failure (a corrupt JPEG scan, a PNG whose
   * compressed data is damaged: what passes `inspectMedia`'s header walk) is an uncaught C++
   * exception that aborts the process; the tokenizer runs the same decoders in a worker that
   * turns that exception into a rejected promise.
   */
  private async decodeMediaFirst(completion: SlotCompletionOptions): Promise<void> {
    try {
      await this.context.tokenize(completion.prompt, { media_paths: completion.media_paths ?? [] });
    } catch (error) {
      throw new MediaInputError(
        `llama.cpp could not decode the media in this request (${errorMessage(error)})`,
        {
          hint: 'send intact files: PNG, JPEG or GIF images, WAV or MP3 audio',
          cause: error,
        },
      );
    }
  }

  /** The slot API fails a prompt longer than the context silently; this names the cause. */
  private async promptTooLong(completion: SlotCompletionOptions): Promise<GenerationFailedError | undefined> {
    const { tokens } = await this.context.tokenize(completion.prompt, {
      ...(completion.media_paths ? { media_paths: completion.media_paths } : {}),
    });
    if (tokens.length < this.info.contextSize) return undefined;
    return new GenerationFailedError(
      ENGINE,
      `the prompt is ${tokens.length} tokens, more than the ${this.info.contextSize}-token context; ` +
        'shorten the conversation or load the model with a larger contextSize',
    );
  }

  private withBos(prompt: string): string {
    return this.bosText && !prompt.startsWith(this.bosText) ? this.bosText + prompt : prompt;
  }

  /**
   * Runs one slot completion, with the prefix cache, abort and a retry without a stale state file.
   *
   * Each completion saves its KV state to a file of its own, and only the state of a completion that
   * finished is ever loaded. A cancelled request settles at once, while the slot may still be saving
   * its state: loading that half-written file in the next request crashed the host (SIGSEGV in
   * llama.cpp's `state_read_meta`), so after a cancel the next request starts from an empty cache.
   */
  private async complete(
    options: SlotCompletionOptions,
    signal: AbortSignal | undefined,
    onToken: (token: string) => void,
  ): Promise<NativeOutcome> {
    const statePath = this.stateDir ? join(this.stateDir, `slot-${++this.stateSerial}.bin`) : undefined;
    const loadPath = this.finishedState;
    // The slot API refuses to load a state into an MTP completion, so MTP turns start from an empty
    // cache; they still save theirs, for the next plain turn to reuse.
    const mtp = options.speculative !== false;
    const withState = (load: boolean): SlotCompletionOptions =>
      statePath
        ? {
            ...options,
            save_state_path: statePath,
            ...(load && loadPath && !mtp && existsSync(loadPath) ? { load_state_path: loadPath } : {}),
          }
        : options;
    this.finishedState = undefined;
    let outcome: NativeOutcome;
    try {
      outcome = await this.queueNative(withState(true), signal, onToken);
    } catch (error) {
      if (!statePath || !/load state/i.test((error as Error).message)) throw error;
      outcome = await this.queueNative(withState(false), signal, onToken);
    }
    if (statePath && !outcome.aborted) {
      this.finishedState = statePath;
      await this.removeStatesBefore(this.stateSerial);
    }
    if (outcome.aborted) this.lastPrompt = '';
    return outcome;
  }

  /** Deletes the state files of earlier completions (a cancelled one's save has ended by now: the slot serves one request at a time). */
  private async removeStatesBefore(serial: number): Promise<void> {
    if (!this.stateDir) return;
    const stateDir = this.stateDir;
    const names = await readdir(stateDir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((name) => Number(/^slot-(\d+)\.bin/.exec(name)?.[1] ?? serial) < serial)
        .map((name) => rm(join(stateDir, name), { force: true })),
    );
  }

  private queueNative(
    options: SlotCompletionOptions,
    signal: AbortSignal | undefined,
    onToken: (token: string) => void,
  ): Promise<NativeOutcome> {
    return new Promise<NativeOutcome>((resolve, reject) => {
      let requestId: number | undefined;
      let settled = false;
      let tokens = 0;
      const settle = () => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
      };
      // A cancelled request gets no final callback, so the outcome is what streamed so far; the
      // slot finishes (and saves its state) before it takes the next request.
      const onAbort = () => {
        if (requestId === undefined || settled) return;
        this.context.ctx.cancelRequest(requestId);
        settle();
        resolve({ result: abortedResult(requestId, tokens), aborted: true });
      };
      // One request at a time, so a callback without a request id still belongs to this one.
      const callback = (error: unknown, event: SlotEvent | undefined) => {
        if (settled) return;
        if (error) {
          settle();
          reject(new GenerationFailedError(ENGINE, errorMessage(error), { cause: error }));
          return;
        }
        if (!event) return;
        if ('token' in event && event.token !== undefined) {
          tokens++;
          onToken(event.token);
          return;
        }
        if (!('timings' in event)) return;
        settle();
        if (event.error) {
          reject(new GenerationFailedError(ENGINE, event.error));
          return;
        }
        // A slot that failed (e.g. the MTP draft context could not be made) reports an empty result
        // with no stop reason instead of an error; its reason is only logged to stderr.
        if (
          event.tokens_predicted === 0 &&
          !event.stopped_eos &&
          !event.stopped_word &&
          !event.stopped_limit
        ) {
          reject(
            new GenerationFailedError(
              ENGINE,
              'llama.node stopped without output (its reason is printed on stderr)',
            ),
          );
          return;
        }
        resolve({ result: event, aborted: false });
      };
      if (signal?.aborted) {
        reject(signal.reason ?? new Error('aborted'));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        requestId = this.context.ctx.queueCompletion(options, callback).requestId;
      } catch (error) {
        settle();
        reject(new GenerationFailedError(ENGINE, errorMessage(error), { cause: error }));
      }
    });
  }
}

/** The result of a cancelled request, which llama.node does not report: tokens streamed, no timings. */
function abortedResult(requestId: number, tokens: number): SlotCompletionResult {
  return {
    requestId,
    text: '',
    stopped_eos: false,
    stopped_limit: false,
    stopped_word: false,
    context_full: false,
    tokens_evaluated: 0,
    tokens_predicted: tokens,
    timings: {
      cache_n: 0,
      prompt_n: 0,
      prompt_ms: 0,
      prompt_per_second: 0,
      predicted_n: tokens,
      predicted_ms: 0,
      predicted_per_second: 0,
    },
  };
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}

/** Where slot states go: memory-backed /dev/shm when it has room (1 GiB), else the temp dir. */
function stateParent(): string {
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize >= 2 ** 30) return '/dev/shm';
  } catch {
    // no /dev/shm on this system
  }
  return tmpdir();
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
