import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type {
  Engine,
  EngineInfo,
  FinishReason,
  GenerateDelta,
  GenerateRequest,
  GenerateResult,
  JsonSchema,
  Message,
  ToolCall,
  ToolSpec,
} from '@hearth/engine';
import { PushIterator, readStreamResult } from '@hearth/engine';
import {
  type ChatModelFunctions,
  type ChatWrapper,
  Gemma4ChatWrapper,
  getLlama,
  type LLamaChatGenerateResponseOptions,
  type Llama,
  LlamaChat,
  type LlamaChatResponse,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
} from 'node-llama-cpp';
import { EngineCapabilityError } from '../../errors/engine-capability-error.js';
import { EngineLoadError } from '../../errors/engine-load-error.js';
import { forcedToolCallSchema, forcedTools } from '../forced-tool-call.js';
import { jsonSchemaGrammar } from '../json-schema-grammar.js';
import { DEFAULT_CONTEXT_SIZE, validateLlamaNodeFiles } from '../llama-node/validate-files.js';
import { toGbnfJsonSchema } from './gbnf-schema.js';
import { toChatHistory } from './history.js';

const ENGINE = 'node-llama-cpp';

/** Options of {@link loadNodeLlamaCppEngine}. */
export interface NodeLlamaCppEngineOptions {
  /** Path of a GGUF file. */
  model: string;
  /** Name reported as `GenerateResult.model` (default: the file name). */
  name?: string;
  /** Context window in tokens (default: the model's training context, at most 8192). */
  contextSize?: number;
  /** Load even when the memory estimate is over this machine's memory (default false: refuse with the numbers). */
  skipMemoryCheck?: boolean;
  /**
   * CPU threads. Default: 1 on machines with up to 4 cores (more threads than idle cores makes
   * llama.cpp 15-30x slower), half the cores above that.
   */
  threads?: number;
  /** `false` keeps everything on the CPU (default `'auto'`: use a GPU when one is found). */
  gpu?: 'auto' | false;
}

// One llama.cpp runtime per process and GPU setting; while a model loads, its warnings and errors
// are collected for the load-error message.
const loadLogs = new Set<string[]>();
const runtimes = new Map<string, Promise<Llama>>();
function runtime(gpu: 'auto' | false): Promise<Llama> {
  const key = String(gpu);
  let llama = runtimes.get(key);
  if (!llama) {
    llama = getLlama({
      gpu,
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.warn) return;
        for (const lines of loadLogs) if (lines.length < 20) lines.push(message.trim());
      },
    });
    runtimes.set(key, llama);
  }
  return llama;
}

function defaultThreads(): number {
  const cores = availableParallelism();
  return cores <= 4 ? 1 : Math.floor(cores / 2);
}

/**
 * Loads a GGUF model with node-llama-cpp and returns it as an {@link Engine}: text chat with
 * grammar-enforced function calling and JSON-schema output, KV-cache reuse across calls that share
 * a prefix. Images and audio are refused with {@link EngineCapabilityError} (use `llama-node`).
 *
 * @throws {EngineLoadError} when the file is missing or llama.cpp refuses it (with llama.cpp's reason).
 * @throws GgufValidationError (from `@hearth/gguf`) when the file is not a complete, valid GGUF.
 */
export async function loadNodeLlamaCppEngine(options: NodeLlamaCppEngineOptions): Promise<Engine> {
  try {
    await access(options.model);
  } catch (error) {
    throw new EngineLoadError(ENGINE, options.model, 'the file does not exist or cannot be read', {
      cause: error,
    });
  }
  // A truncated or malformed file gets a message naming the bad key or tensor, which llama.cpp's
  // "Failed to load model" does not.
  // It also refuses a context that cannot fit in memory, before llama.cpp allocates it.
  await validateLlamaNodeFiles({
    model: options.model,
    ...(options.name ? { name: options.name } : {}),
    contextSize: options.contextSize ?? DEFAULT_CONTEXT_SIZE,
    ...(options.skipMemoryCheck ? { skipMemoryCheck: true } : {}),
  });
  const llama = await runtime(options.gpu ?? 'auto');
  const logged: string[] = [];
  loadLogs.add(logged);
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: options.model });
  } catch (error) {
    // Native log lines reach the logger asynchronously; give the last ones a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    throw new EngineLoadError(ENGINE, options.model, logged.join('; ') || (error as Error).message, {
      cause: error,
    });
  } finally {
    loadLogs.delete(logged);
  }
  try {
    const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 8192);
    const context = await model.createContext({
      contextSize,
      threads: options.threads ?? defaultThreads(),
      sequences: 1,
    });
    return new NodeLlamaCppEngine(model, context, options.name ?? basename(options.model));
  } catch (error) {
    await model.dispose();
    throw new EngineLoadError(ENGINE, options.model, (error as Error).message, { cause: error });
  }
}

/** What a finished node-llama-cpp call left behind, before it becomes a {@link GenerateResult}. */
interface RawOutcome {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  stopReason: LlamaChatResponse['metadata']['stopReason'] | 'abort';
}

class NodeLlamaCppEngine implements Engine {
  readonly info: EngineInfo;
  private readonly sequence: LlamaContextSequence;
  private readonly isGemma4: boolean;
  private readonly wrappers: { thinking: ChatWrapper; plain: ChatWrapper };
  /** One sequence serves one request at a time; calls queue here. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly name: string,
  ) {
    this.sequence = context.getSequence();
    const resolved = resolveChatWrapper(model);
    this.isGemma4 = resolved instanceof Gemma4ChatWrapper;
    this.wrappers = this.isGemma4
      ? {
          thinking: new Gemma4ChatWrapper({ reasoning: true }),
          plain: new Gemma4ChatWrapper({ reasoning: false }),
        }
      : { thinking: resolved, plain: resolved };
    this.info = {
      engine: ENGINE,
      model: name,
      contextSize: context.contextSize,
      capabilities: {
        image: false,
        audio: false,
        tools: true,
        jsonSchema: true,
        thinking: this.isGemma4,
        mtp: false,
      },
    };
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return readStreamResult(this.stream(request), 'node-llama-cpp');
  }

  stream(request: GenerateRequest): AsyncIterable<GenerateDelta> {
    if (this.closed) throw new Error('This node-llama-cpp engine is closed');
    const deltas = new PushIterator<GenerateDelta>();
    const run = this.queue.then(() => this.run(request, deltas));
    this.queue = run.catch(() => undefined);
    run.then(
      () => deltas.end(),
      (error: unknown) => deltas.fail(error),
    );
    return deltas;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.context.dispose();
    await this.model.dispose();
  }

  private async run(request: GenerateRequest, deltas: PushIterator<GenerateDelta>): Promise<void> {
    // Converted first so that bad input fails before any work.
    const tools = request.toolChoice === 'none' ? [] : (request.tools ?? []);
    const allowed = forcedTools(request);
    const forcedTool = allowed !== undefined;
    if (request.responseFormat && tools.length > 0 && !forcedTool) {
      throw new TypeError(
        "node-llama-cpp cannot combine responseFormat with tools under toolChoice 'auto': set toolChoice to 'required' or 'none', or drop one of them",
      );
    }
    if (request.thinking && !this.isGemma4) {
      throw new EngineCapabilityError(
        ENGINE,
        'thinking',
        `${this.name} has no thinking mode in node-llama-cpp`,
      );
    }
    const wrapper = request.thinking ? this.wrappers.thinking : this.wrappers.plain;
    const functions = tools.length > 0 ? toFunctions(tools) : undefined;
    let messages = request.messages;
    if (forcedTool && functions) messages = withToolDeclarations(messages, wrapper, functions);
    const history = toChatHistory(messages);

    const llama = this.model.llama;
    let grammar: LlamaGrammar | undefined;
    if (allowed) grammar = await jsonGrammar(llama, forcedToolCallSchema(allowed));
    else if (request.responseFormat) grammar = await jsonGrammar(llama, request.responseFormat.schema);

    const promptTokens = wrapper
      .generateContextState({ chatHistory: history, availableFunctions: forcedTool ? undefined : functions })
      .contextText.tokenize(this.model.tokenizer).length;
    const meterBefore = this.sequence.tokenMeter.getState();
    const started = performance.now();
    let firstTokenAt: number | undefined;
    // Trailing whitespace is held back so streamed text equals the final (trimmed) text.
    let heldWhitespace = '';
    let text = '';
    let reasoning = '';
    const emitText = (chunk: string) => {
      const combined = heldWhitespace + chunk;
      const trimmed = combined.trimEnd();
      heldWhitespace = combined.slice(trimmed.length);
      if (!trimmed) return;
      text += trimmed;
      if (!forcedTool) deltas.push({ type: 'text', text: trimmed });
    };

    const chat = new LlamaChat({ contextSequence: this.sequence, chatWrapper: wrapper });
    let outcome: RawOutcome;
    try {
      const sampling = request.sampling ?? {};
      const common: SharedGenerateOptions = {
        maxTokens: request.maxTokens,
        signal: request.signal,
        stopOnAbortSignal: true,
        temperature: sampling.greedy ? 0 : sampling.temperature,
        topK: sampling.greedy ? 1 : sampling.topK,
        topP: sampling.greedy ? undefined : sampling.topP,
        minP: sampling.greedy ? undefined : sampling.minP,
        seed: sampling.seed,
        customStopTriggers: request.stop?.filter((stop) => stop.length > 0),
        onToken: () => {
          firstTokenAt ??= performance.now();
        },
        onResponseChunk: (chunk) => {
          if (chunk.type === undefined) emitText(chunk.text);
          else if (chunk.segmentType === 'thought' && chunk.text) {
            reasoning += chunk.text;
            deltas.push({ type: 'reasoning', text: chunk.text });
          }
        },
      };
      if (request.signal?.aborted) {
        outcome = { text: '', reasoning: '', toolCalls: [], stopReason: 'abort' };
      } else {
        const response: LlamaChatResponse<ChatModelFunctions> = grammar
          ? await chat.generateResponse(history, { ...common, grammar })
          : await chat.generateResponse<ChatModelFunctions>(history, { ...common, functions });
        const toolCalls = forcedTool
          ? [parseForcedToolCall(text.trim(), response.metadata.stopReason)]
          : (response.functionCalls ?? []).map((call) => ({
              id: newToolCallId(),
              name: call.functionName,
              args: (call.params ?? {}) as Record<string, unknown>,
            }));
        outcome = {
          text: forcedTool ? '' : text,
          reasoning,
          toolCalls: toolCalls.filter((call): call is ToolCall => call !== undefined),
          stopReason: response.metadata.stopReason,
        };
      }
    } catch (error) {
      if (!request.signal?.aborted) throw error;
      outcome = { text, reasoning, toolCalls: [], stopReason: 'abort' };
    } finally {
      chat.dispose({ disposeSequence: false });
    }

    for (const toolCall of outcome.toolCalls) deltas.push({ type: 'tool-call', toolCall });
    const ended = performance.now();
    const used = this.sequence.tokenMeter.diff(meterBefore);
    const completionTokens = used.usedOutputTokens;
    const firstAt = firstTokenAt ?? ended;
    const prefillMs = firstAt - started;
    const decodeMs = ended - firstAt;
    const result: GenerateResult = {
      text: outcome.text,
      toolCalls: outcome.toolCalls,
      finishReason: finishReason(outcome),
      usage: {
        promptTokens,
        completionTokens,
        cachedPromptTokens: Math.max(0, promptTokens - used.usedInputTokens),
      },
      timings: {
        prefillMs,
        decodeMs,
        prefillTokensPerSecond: prefillMs > 0 ? (used.usedInputTokens / prefillMs) * 1000 : 0,
        decodeTokensPerSecond: decodeMs > 0 ? (Math.max(0, completionTokens - 1) / decodeMs) * 1000 : 0,
      },
      mtp: null,
      model: this.name,
    };
    if (outcome.reasoning) result.reasoning = outcome.reasoning;
    deltas.push({ type: 'done', result });
  }
}

/** The options shared by grammar-constrained and function-calling generation. */
type SharedGenerateOptions = Omit<
  LLamaChatGenerateResponseOptions,
  | 'grammar'
  | 'functions'
  | 'documentFunctionParams'
  | 'maxParallelFunctionCalls'
  | 'onFunctionCall'
  | 'onFunctionCallParamsChunk'
>;

/**
 * The schema's grammar from `jsonSchemaGrammar`, shared with the llama.cpp engines: node-llama-cpp's
 * own converter lets numbers carry exponents of any length (`9E99999` parses to Infinity).
 */
function jsonGrammar(llama: Llama, schema: JsonSchema): Promise<LlamaGrammar> {
  return llama.createGrammar({ grammar: jsonSchemaGrammar(schema), trimWhitespaceSuffix: true });
}

function finishReason(outcome: RawOutcome): FinishReason {
  if (outcome.toolCalls.length > 0) return 'tool_calls';
  switch (outcome.stopReason) {
    case 'maxTokens':
      return 'length';
    case 'abort':
      return 'abort';
    default:
      return 'stop';
  }
}

function newToolCallId(): string {
  return `call_${randomBytes(9).toString('base64url')}`;
}

function toFunctions(tools: readonly ToolSpec[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((tool) => [
      tool.name,
      { description: tool.description, params: toGbnfJsonSchema(tool.parameters) as never },
    ]),
  );
}

/**
 * A forced call is decoded under a grammar, not through node-llama-cpp's function-calling mode, so
 * the tool declarations go into the system prompt here, in the chat wrapper's own wording.
 */
function withToolDeclarations(
  messages: readonly Message[],
  wrapper: ChatWrapper,
  functions: ChatModelFunctions,
): Message[] {
  const declarations = wrapper
    .generateAvailableFunctionsSystemText(functions, { documentParams: true })
    .toString()
    .trim();
  const instruction = `${declarations}\nCall exactly one tool. Reply with JSON: {"name": <tool name>, "arguments": {...}}.`;
  const [first, ...rest] = messages;
  if (first?.role === 'system')
    return [{ role: 'system', content: `${first.content}\n\n${instruction}` }, ...rest];
  return [{ role: 'system', content: instruction }, ...messages];
}

function parseForcedToolCall(json: string, stopReason: string): ToolCall | undefined {
  let value: { name?: unknown; arguments?: unknown };
  try {
    value = JSON.parse(json) as typeof value;
  } catch {
    // Cut off by maxTokens or an abort before the JSON closed: report the stop, not a broken call.
    if (stopReason === 'maxTokens' || stopReason === 'abort') return undefined;
    throw new Error(`node-llama-cpp produced a tool call that is not JSON: ${json.slice(0, 200)}`);
  }
  return {
    id: newToolCallId(),
    name: String(value.name),
    args: (value.arguments ?? {}) as Record<string, unknown>,
  };
}
