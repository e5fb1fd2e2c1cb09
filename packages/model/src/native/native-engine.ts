import { availableParallelism } from 'node:os';
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
import { Gemma4ReplyReader } from '../engine/gemma4-reply.js';
import { jsonSchemaGrammar } from '../engine/json-schema-grammar.js';
import { refuseUnsupportedMedia, toLlamaChat, toLlamaTools } from '../engine/llama-node/chat-messages.js';
import type { LlamaNodeEngineOptions } from '../engine/llama-node/llama-node-engine.js';
import { toLlamaSampling } from '../engine/llama-node/sampling.js';
import { DEFAULT_CONTEXT_SIZE, validateLlamaNodeFiles } from '../engine/llama-node/validate-files.js';
import { readServerSentEvents } from '../engine/openai/sse.js';
import { EngineLoadError } from '../errors/engine-load-error.js';
import { EngineNotBuiltError } from '../errors/engine-not-built-error.js';
import { GenerationFailedError } from '../errors/generation-failed-error.js';
import { ModelCrashedError } from '../errors/model-crashed-error.js';
import { nativeReason } from '../host/hosted-engine.js';
import { findNativeBuild, nativeBuildPlan } from './build-native-engine.js';
import type { NativeBuild } from './llama-cpp-source.js';
import { LlamaServerProcess, type ServerResponse } from './llama-server-process.js';

const ENGINE = 'native';
/** How long a failed request waits for the server's exit before calling it a request failure. */
const CRASH_GRACE_MS = 1000;
/**
 * llama-server runs a chat parser over every streamed reply, even on `/completion`; the default one
 * fails the request (HTTP 500, "does not match the expected Content-only format") as soon as the
 * text holds invalid UTF-8, which byte-fallback tokens produce. Hearth reads the raw text itself,
 * so the server gets a parser that accepts anything and extracts nothing (a serialized PEG arena
 * whose root is the empty match).
 */
const PASS_THROUGH_PARSER = JSON.stringify({ parsers: [{ type: 'epsilon' }], rules: {}, root: 0 });

/**
 * How to start the `native` engine: the same model set and settings as `llama-node` (both run
 * llama.cpp), plus what only a separate server process has. Paths must be local GGUF files.
 */
export interface NativeEngineOptions extends LlamaNodeEngineOptions {
  /** Load even when the memory estimate is over this machine's memory (default false). */
  skipMemoryCheck?: boolean;
  /** Copy llama-server's log to this process's stderr; default: only when HEARTH_DEBUG is set. */
  forwardNativeLog?: boolean;
  /** The build to run; default: the one `hearth engine build` made for this machine. */
  build?: NativeBuild;
}

/** The final event of a `/completion` stream (the fields Hearth reads). */
interface CompletionEnd {
  stop: true;
  stop_type: 'none' | 'eos' | 'limit' | 'word';
  tokens_predicted: number;
  tokens_evaluated: number;
  timings: {
    cache_n: number;
    prompt_n: number;
    prompt_ms: number;
    prompt_per_second: number;
    predicted_n: number;
    predicted_ms: number;
    predicted_per_second: number;
    draft_n?: number;
    draft_n_accepted?: number;
  };
}

/**
 * Gemma 4 on llama.cpp built for this machine (`hearth engine build`): its `llama-server` runs as the
 * model host process, spoken to over a private unix socket with a random API key. Hearth keeps its
 * own prompt and output handling: the model's chat template renders the prompt (`/apply-template`),
 * `/completion` decodes it (with the schema's `grammar` from `jsonSchemaGrammar`, `cache_prompt` prefix reuse and the media bytes in
 * `multimodal_data`), and Hearth's Gemma 4 reader splits the raw text into answer, reasoning and
 * tool calls (llama-server's own chat parser rejects the output of random-weight test models).
 * MTP runs for every turn, media turns included, when a drafter is given. A server that dies fails
 * the calls in flight with `ModelCrashedError`; the next call starts a fresh one.
 */
export class NativeEngine implements Engine {
  readonly info: EngineInfo;
  private server: Promise<LlamaServerProcess> | undefined;
  private closed = false;

  private constructor(
    private readonly build: NativeBuild,
    private readonly options: NativeEngineOptions,
    private readonly args: string[],
    server: LlamaServerProcess,
    info: EngineInfo,
  ) {
    this.server = Promise.resolve(server);
    this.info = info;
  }

  /**
   * Validates the files, then starts llama-server on them and waits until the model is loaded.
   *
   * @throws EngineNotBuiltError when no native build for this machine is cached.
   * @throws GgufValidationError, ModelSetMismatchError or ModelMemoryError before anything starts.
   * @throws EngineLoadError with llama.cpp's reason when the server refuses the files.
   */
  static async start(options: NativeEngineOptions): Promise<NativeEngine> {
    const build = options.build ?? (await findNativeBuild());
    if (!build) throw new EngineNotBuiltError((await nativeBuildPlan()).directory);
    const name = await validateLlamaNodeFiles(options);
    const contextSize = options.contextSize ?? DEFAULT_CONTEXT_SIZE;
    const batchSize = Math.min(options.batchSize ?? 512, contextSize);
    const args = [
      '--model',
      options.model,
      '--ctx-size',
      String(contextSize),
      '--batch-size',
      String(batchSize),
      '--threads',
      String(options.threads ?? Math.max(1, availableParallelism() - 1)),
      '--parallel',
      '1',
      '--jinja',
      // Gemma's markers (`<|channel>`, `<|tool_call>`, ...) are special tokens: Hearth reads them.
      '--special',
      '--no-warmup',
      ...(options.prefixCache === false ? [] : ['--swa-full']),
      ...(options.mmproj ? ['--mmproj', options.mmproj] : []),
      ...(options.drafter
        ? [
            '--spec-type',
            'draft-mtp',
            '--spec-draft-model',
            options.drafter,
            '--spec-draft-n-max',
            String(options.draftMax ?? 4),
          ]
        : []),
    ];
    const server = await startServer(build, args, options, name);
    const props = (await (await server.fetch('GET', '/props')).text().then(JSON.parse)) as {
      modalities?: { vision?: boolean; audio?: boolean };
    };
    return new NativeEngine(build, options, args, server, {
      engine: ENGINE,
      model: name,
      contextSize,
      capabilities: {
        image: Boolean(props.modalities?.vision),
        audio: Boolean(props.modalities?.audio),
        tools: true,
        jsonSchema: true,
        thinking: true,
        mtp: Boolean(options.drafter),
      },
    });
  }

  /** Process id of the running llama-server (the model host), if one is running (for diagnostics). */
  async hostPid(): Promise<number | undefined> {
    const server = await this.server?.catch(() => undefined);
    return server && !server.exit ? server.pid : undefined;
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.run(request, () => {});
  }

  stream(request: GenerateRequest): AsyncIterable<GenerateDelta> {
    return streamGeneration(request, (request, onDelta) => this.run(request, onDelta));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const server = await this.server?.catch(() => undefined);
    this.server = undefined;
    await server?.close();
  }

  /** The running server, or a fresh one after a crash. */
  private async serverProcess(): Promise<LlamaServerProcess> {
    if (this.closed) throw new Error('This native engine is closed');
    // A server that died between calls (killed while idle) is replaced without failing this call.
    const current = await this.server?.catch(() => undefined);
    if (current?.exit) this.server = undefined;
    if (!this.server) {
      const starting = startServer(this.build, this.args, this.options, this.info.model);
      this.server = starting;
      starting.catch(() => {
        if (this.server === starting) this.server = undefined;
      });
    }
    return this.server;
  }

  private async run(
    request: GenerateRequest,
    onDelta: (delta: GenerateDelta) => void,
  ): Promise<GenerateResult> {
    if (request.signal?.aborted) throw request.signal.reason ?? new Error('aborted');
    refuseUnsupportedMedia(ENGINE, request.messages, this.info.capabilities, this.options.mmproj);
    const chat = await toLlamaChat(request.messages);
    const { tools, forced, schema } = toLlamaTools(request);
    const server = await this.serverProcess();
    const template = await this.call(server, '/apply-template', {
      messages: chat.messages,
      ...(tools ? { tools, tool_choice: 'auto', parallel_tool_calls: true } : {}),
      chat_template_kwargs: { enable_thinking: request.thinking ?? false },
    });
    const { prompt } = JSON.parse(await template.text()) as { prompt: string };
    // The media bytes, in the order of the markers the template put in the prompt.
    const media = chat.messages.flatMap((message) =>
      typeof message.content === 'string' || !Array.isArray(message.content)
        ? []
        : message.content.flatMap((part) => {
            const url =
              part.type === 'image_url'
                ? part.image_url.url
                : part.type === 'input_audio'
                  ? part.input_audio.data
                  : undefined;
            return url ? [url.slice(url.indexOf(',') + 1)] : [];
          }),
    );
    // Under a JSON schema the grammar decides where the reply ends: Gemma's end-of-turn text is a
    // valid string inside JSON, so it must not cut a JSON reply.
    const stop = [...(request.stop ?? []), ...(schema ? [] : ['<turn|>'])];
    const reader = new Gemma4ReplyReader(
      forced ? 'forced-tool-call' : schema ? 'json' : 'text',
      request.stop ?? [],
      onDelta,
    );
    const body = {
      prompt: media.length > 0 ? { prompt_string: prompt, multimodal_data: media } : prompt,
      n_predict: request.maxTokens ?? -1,
      stream: true,
      cache_prompt: this.options.prefixCache !== false,
      chat_parser: PASS_THROUGH_PARSER,
      ...(stop.length ? { stop } : {}),
      ...(schema ? { grammar: jsonSchemaGrammar(schema) } : {}),
      ...toLlamaSampling(request.sampling),
    };
    let end: CompletionEnd | undefined;
    let predicted = 0;
    let aborted = false;
    try {
      const response = await this.call(server, '/completion', body, request.signal);
      for await (const data of readServerSentEvents(response.body)) {
        const event = JSON.parse(data) as {
          content?: string;
          tokens_predicted?: number;
          stop?: boolean;
          error?: { message?: string };
        };
        if (event.error) throw new GenerationFailedError(ENGINE, event.error.message ?? data);
        // Tokens that end inside a UTF-8 sequence come with empty content; the count is the server's.
        predicted = event.tokens_predicted ?? predicted;
        if (event.content) reader.push(event.content);
        if (event.stop) end = event as CompletionEnd;
      }
    } catch (error) {
      if (!request.signal?.aborted) {
        // A connection cut mid-reply is the server dying (a crash) or a failed request.
        throw GenerationFailedError.isInstance(error) || ModelCrashedError.isInstance(error)
          ? error
          : await this.failure(server, (error as Error).message);
      }
      aborted = true;
    }
    if (!end && !aborted) throw await this.failure(server, 'the server ended the reply without a result');
    const reply = reader.finish();
    const finishReason: FinishReason = aborted
      ? 'abort'
      : reply.toolCalls.length > 0
        ? 'tool_calls'
        : end?.stop_type === 'limit' && !reader.hitStopSequence
          ? 'length'
          : 'stop';
    const timings = end?.timings;
    let mtp: MtpStats | null = null;
    if (this.options.drafter) {
      const drafted = timings?.draft_n ?? 0;
      const accepted = timings?.draft_n_accepted ?? 0;
      mtp = { used: true, drafted, accepted, acceptanceRate: drafted > 0 ? accepted / drafted : 0 };
    }
    return {
      ...reply,
      finishReason,
      usage: {
        promptTokens: end?.tokens_evaluated ?? 0,
        completionTokens: end?.tokens_predicted ?? predicted,
        cachedPromptTokens: timings?.cache_n ?? 0,
      },
      // llama-server counts the prompt alone in prompt_*: MTP's verification batches are decode time.
      timings: {
        prefillMs: timings?.prompt_ms ?? 0,
        decodeMs: timings?.predicted_ms ?? 0,
        prefillTokensPerSecond: timings?.prompt_per_second ?? 0,
        decodeTokensPerSecond: timings?.predicted_per_second ?? 0,
      },
      mtp,
      model: this.info.model,
    };
  }

  /** POSTs to the server; a refused request is a GenerationFailedError, a dead server a crash. */
  private async call(
    server: LlamaServerProcess,
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<ServerResponse> {
    let response: ServerResponse;
    try {
      response = await server.fetch('POST', path, body, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw await this.failure(server, (error as Error).message);
    }
    if (response.status !== 200) {
      const text = await response.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        // not JSON: the raw text is the message
      }
      throw new GenerationFailedError(
        ENGINE,
        `llama-server refused ${path} (HTTP ${response.status}): ${message}`,
      );
    }
    return response;
  }

  /** A crash when the server died (and the next call starts a new one), else a failed request. */
  private async failure(server: LlamaServerProcess, message: string): Promise<Error> {
    const exit = await server.exitWithin(CRASH_GRACE_MS);
    if (!exit) return new GenerationFailedError(ENGINE, `the request to llama-server failed: ${message}`);
    if (this.server) {
      const current = await this.server.catch(() => undefined);
      if (current === server) this.server = undefined;
    }
    return new ModelCrashedError({
      model: this.info.model,
      reason: nativeReason(exit.logTail),
      signal: exit.signal,
      hostExitCode: exit.code,
      during: 'generating',
    });
  }
}

async function startServer(
  build: NativeBuild,
  args: string[],
  options: NativeEngineOptions,
  name: string,
): Promise<LlamaServerProcess> {
  try {
    return await LlamaServerProcess.start(
      build.server,
      args,
      options.forwardNativeLog ?? Boolean(process.env.HEARTH_DEBUG),
    );
  } catch (error) {
    throw new EngineLoadError(ENGINE, name, `llama-server did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
