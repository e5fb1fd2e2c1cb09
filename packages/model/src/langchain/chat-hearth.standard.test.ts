/**
 * LangChain's standard chat-model checks (the unit and integration suites of
 * `@langchain/standard-tests`, which is not published on npm), re-implemented with vitest and run
 * on a real model, the testkit's random-weight `tiny` Gemma 4, through each engine: node-llama-cpp, and
 * the native engine (llama-server built for this machine; skipped, saying why, when no build is cached).
 *
 * Adaptations for a random-weight model, each marked "adapted:" below:
 * - Tool tests pass `tool_choice: 'any'` as call options (the standard suites' own hook for this);
 *   a random model never chooses a tool by itself, and a forced call is grammar-constrained.
 * - testToolCalling checks the call's shape (name, integer a and b, id, type), not the values 1 and 2
 *   that a real model reads from the prompt.
 * Skipped as in the standard suite's defaults: parallel tool calls, file blocks, URL media (no network).
 * Image and audio blocks need a multimodal engine: see chat-hearth.test.ts (llama-node + mmproj).
 */

import type { Engine } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  AIMessage,
  AIMessageChunk,
  getBufferString,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { type Runnable, type RunnableConfig, RunnableLambda } from '@langchain/core/runnables';
import { StructuredTool, type StructuredToolParams, tool } from '@langchain/core/tools';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { concat } from '@langchain/core/utils/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/v3';
import { loadNodeLlamaCppEngine } from '../engine/node-llama-cpp/node-llama-cpp-engine.js';
import { findNativeBuild } from '../native/build-native-engine.js';
import { NativeEngine } from '../native/native-engine.js';
import { ChatHearth, type ChatHearthCallOptions, type ChatHearthInput } from './chat-hearth.js';

// The native engine needs llama.cpp built for this machine (`hearth engine build`; scripts/setup.sh
// runs it, so CI has it). Without a cached build its run is skipped, never faked.
const nativeBuild = await findNativeBuild();
const nativeSkipReason =
  'no native build is cached: run `npm run hearth -- engine build` (scripts/setup.sh does)';
if (!nativeBuild)
  console.warn(`ChatHearth standard checks on the native engine skipped: ${nativeSkipReason}`);

const engines: { name: string; available: boolean; start: () => Promise<Engine> }[] = [
  {
    name: 'node-llama-cpp',
    available: true,
    start: async () =>
      loadNodeLlamaCppEngine({
        model: await makeTestkitModel('tiny'),
        name: 'tiny',
        threads: 1,
        gpu: false,
        contextSize: 8192,
      }),
  },
  {
    name: 'native',
    available: nativeBuild !== undefined,
    start: async () =>
      NativeEngine.start({
        model: await makeTestkitModel('tiny'),
        name: 'tiny',
        threads: 1,
        contextSize: 8192,
      }),
  },
];

// adapted: see the header
const forceTool = { tool_choice: 'any' } as Partial<ChatHearthCallOptions> & RunnableConfig;

const adderSchema = z
  .object({
    a: z.number().int().describe('The first integer to add.'),
    b: z.number().int().describe('The second integer to add.'),
  })
  .describe('Add two integers');

class AdderTool extends StructuredTool {
  name = 'AdderTool';
  description = adderSchema.description ?? 'description';
  schema = adderSchema;
  async _call(input: z.infer<typeof adderSchema>) {
    return JSON.stringify({ result: input.a + input.b });
  }
}

const MATH_ADDITION_PROMPT = ChatPromptTemplate.fromMessages([
  ['system', 'You are bad at math and must ALWAYS call the {toolName} function.'],
  ['human', 'What is the sum of 1836281973 and 19973286?'],
]);

const weatherSchema = z.object({
  location: z.string().max(20).describe('The location to get the weather for.'),
});
const weatherTool = tool((_) => 'The weather in San Francisco is 70 degrees and sunny.', {
  name: 'get_current_weather',
  schema: weatherSchema,
  description: 'Get the current weather for a location.',
});

class OptionsRecorder extends BaseCallbackHandler {
  name = 'options-recorder';
  extraParams: Record<string, unknown> = {};
  override handleChatModelStart(
    _llm: unknown,
    _messages: unknown,
    _runId: string,
    _parent?: string,
    extraParams?: Record<string, unknown>,
  ) {
    this.extraParams = extraParams ?? {};
  }
}

describe.each(engines)('ChatHearth on the $name engine', ({ available, start }) => {
  if (!available) {
    it.skip(`skipped: ${nativeSkipReason}`, () => {});
    return;
  }
  let engine: Engine;
  let args: ChatHearthInput;
  beforeAll(async () => {
    engine = await start();
    // Room for a whole grammar-constrained tool call (JSON with whitespace) from a random model.
    args = { engine, temperature: 0, maxTokens: 200 };
  });
  afterAll(async () => {
    await engine?.close();
  });

  describe('LangChain standard unit checks', () => {
    it('testChatModelInit', () => {
      expect(new ChatHearth(args)).toBeDefined();
    });

    it('testChatModelInitApiKey (adapted: no API key; the required field is the engine)', () => {
      expect(() => new ChatHearth({} as ChatHearthInput)).toThrow(/needs an engine/);
    });

    it('testChatModelInitStreaming', () => {
      const model = new ChatHearth({ ...args, streaming: true } as ChatHearthInput);
      expect(model).toBeDefined();
    });

    it('testChatModelWithBindTools', () => {
      expect(new ChatHearth(args).bindTools([new AdderTool()])).toBeDefined();
    });

    it('testChatModelWithStructuredOutput', () => {
      const model = new ChatHearth(args);
      expect(model.withStructuredOutput).toBeDefined();
      expect(model.withStructuredOutput(adderSchema)).toBeDefined();
    });

    it('testStandardLangChainParams', () => {
      const model = new ChatHearth({ ...args, stop: ['\n'] });
      const params = model.getLsParams(model.ParsedCallOptions);
      expect(params).toEqual({
        ls_provider: 'hearth',
        ls_model_name: 'tiny',
        ls_model_type: 'chat',
        ls_temperature: 0,
        ls_max_tokens: 200,
        ls_stop: ['\n'],
      });
    });
  });

  describe('LangChain standard integration checks', () => {
    it('testInvoke', async () => {
      const result = await new ChatHearth(args).invoke('Hello');
      expect(result).toBeInstanceOf(AIMessage);
      expect(typeof result.text).toBe('string');
      expect(result.text).not.toBe('');
    });

    it('testStream', async () => {
      let numChars = 0;
      let chunkCount = 0;
      for await (const token of await new ChatHearth(args).stream('Hello')) {
        chunkCount++;
        expect(token).toBeInstanceOf(AIMessageChunk);
        expect(typeof token.content).toBe('string');
        numChars += (token.content as string).length;
      }
      expect(chunkCount).toBeGreaterThan(0);
      expect(numChars).toBeGreaterThan(0);
    });

    it('testBatch', async () => {
      const results = await new ChatHearth(args).batch(['Hello', 'Hey']);
      expect(results).toHaveLength(2);
      for (const result of results) {
        expect(result).toBeInstanceOf(AIMessage);
        expect(result.text).not.toBe('');
      }
    });

    it('testStreamEvents', async () => {
      const events = [];
      for await (const event of new ChatHearth(args).streamEvents('Hello', { version: 'v2' }))
        events.push(event);
      expect(events.length).toBeGreaterThanOrEqual(3);
      expect(events[0]?.event).toBe('on_chat_model_start');
      expect(events.at(-1)?.event).toBe('on_chat_model_end');
      expect(events[Math.floor(events.length / 2)]?.event).toBe('on_chat_model_stream');
      const end = events.at(-1)?.data.output as AIMessageChunk;
      const streamed = events
        .filter((e) => e.event === 'on_chat_model_stream')
        .map((e) => (e.data.chunk as AIMessageChunk).content as string)
        .join('');
      expect(end.content).toBe(streamed);
      expect(streamed).not.toBe('');
    });

    it('testConversation', async () => {
      const result = await new ChatHearth(args).invoke([
        new HumanMessage('hello'),
        new AIMessage('hello'),
        new HumanMessage('how are you'),
      ]);
      expect(result).toBeInstanceOf(AIMessage);
      expect(result.text).not.toBe('');
    });

    it('testDoubleMessageConversation', async () => {
      const result = await new ChatHearth(args).invoke([
        new SystemMessage('hello'),
        new SystemMessage('hello'),
        new HumanMessage('hello'),
        new HumanMessage('hello'),
        new AIMessage('hello'),
        new AIMessage('hello'),
        new HumanMessage('how are you'),
      ]);
      expect(result).toBeInstanceOf(AIMessage);
      expect(result.text).not.toBe('');
    });

    it('testUsageMetadata', async () => {
      const result = await new ChatHearth(args).invoke('Hello');
      expect(result).toBeInstanceOf(AIMessage);
      const usage = result.usage_metadata;
      if (!usage) throw new Error('result is missing usage_metadata');
      expect(typeof usage.input_tokens).toBe('number');
      expect(typeof usage.output_tokens).toBe('number');
      expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
      expect(usage.output_tokens).toBeGreaterThan(0);
      expect(typeof result.response_metadata.model).toBe('string');
      expect(result.response_metadata.model).toBe('tiny');
    });

    it('testUsageMetadataStreaming', async () => {
      let final: AIMessageChunk | undefined;
      for await (const chunk of await new ChatHearth(args).stream('Hello')) {
        expect(chunk).toBeInstanceOf(AIMessageChunk);
        final = final ? final.concat(chunk) : chunk;
      }
      const usage = final?.usage_metadata;
      if (!usage) throw new Error('usage_metadata is undefined');
      expect(typeof usage.input_tokens).toBe('number');
      expect(typeof usage.output_tokens).toBe('number');
      expect(typeof usage.total_tokens).toBe('number');
      expect(usage.input_tokens).toBeGreaterThan(0);
    });

    it('testStopSequence', async () => {
      const model = new ChatHearth(args);
      const free = await model.invoke('hi');
      const stop = /\S{2}/.exec(free.text.slice(Math.floor(free.text.length / 2)))?.[0] ?? 'you';
      const result = await model.invoke('hi', { stop: [stop] });
      expect(result).toBeInstanceOf(AIMessage);
      expect(result.content).toBeDefined();
      expect(result.text).not.toContain(stop);
      const custom = await new ChatHearth({ ...args, stop: [stop] }).invoke('hi');
      expect(custom).toBeInstanceOf(AIMessage);
      expect(custom.text).toBe(result.text);
    });

    it('testToolCalling (adapted: shape of the call, not its values)', async () => {
      const modelWithTools = new ChatHearth(args).bindTools([new AdderTool()]);
      const result = await modelWithTools.invoke(
        'What is the value of adderTool(1, 2)? Use the tool.',
        forceTool,
      );
      expect(result).toBeInstanceOf(AIMessage);
      expect(result.tool_calls).toHaveLength(1);
      const call = result.tool_calls?.[0];
      expect(call?.name).toBe('AdderTool');
      expect(Number.isInteger(call?.args.a)).toBe(true);
      expect(Number.isInteger(call?.args.b)).toBe(true);
      expect(call?.id).toMatch(/\S/);
      expect(call?.type).toBe('tool_call');
    });

    it('testBindToolsWithRunnableToolLike', async () => {
      const runnableLike = RunnableLambda.from((_) => {}).asTool({
        name: 'math_addition',
        description: adderSchema.description,
        schema: adderSchema,
      });
      const modelWithTools = new ChatHearth(args).bindTools([runnableLike]);
      const result = await MATH_ADDITION_PROMPT.pipe(modelWithTools).invoke(
        { toolName: 'math_addition' },
        forceTool,
      );
      expect(result.tool_calls).toHaveLength(1);
      const call = result.tool_calls?.[0];
      expect(call?.name).toBe('math_addition');
      expect(call?.args).toEqual({ a: expect.any(Number), b: expect.any(Number) });
      expect(call?.id).toBeDefined();
      expect(call?.type).toBe('tool_call');
    });

    it('testBindToolsWithOpenAIFormattedTools', async () => {
      const modelWithTools = new ChatHearth(args).bindTools([
        {
          type: 'function',
          function: {
            name: 'math_addition',
            description: adderSchema.description,
            parameters: toJsonSchema(adderSchema) as Record<string, unknown>,
          },
        },
      ]);
      const result = await MATH_ADDITION_PROMPT.pipe(modelWithTools).invoke(
        { toolName: 'math_addition' },
        forceTool,
      );
      expect(result.tool_calls?.[0]?.name).toBe('math_addition');
    });

    const toolHistory = async (content: AIMessage['content']) => {
      const adder = new AdderTool();
      const functionResult = await adder.invoke({ a: 1, b: 2 });
      return [
        new HumanMessage('What is 1 + 2'),
        new AIMessage({
          content,
          tool_calls: [{ name: adder.name, args: { a: 1, b: 2 }, id: 'abc123', type: 'tool_call' }],
        }),
        new ToolMessage(functionResult, 'abc123', adder.name),
      ];
    };

    it('testToolMessageHistoriesStringContent', async () => {
      const result = await new ChatHearth(args).bindTools([new AdderTool()]).invoke(await toolHistory(''));
      expect(result).toBeInstanceOf(AIMessage);
      expect(result.content).toBeDefined();
    });

    it('testToolMessageHistoriesListContent', async () => {
      const result = await new ChatHearth(args).bindTools([new AdderTool()]).invoke(
        await toolHistory([
          { type: 'text', text: 'some text' },
          { type: 'tool_use', id: 'abc123', name: 'AdderTool', input: { a: 1, b: 2 } },
        ]),
      );
      expect(result).toBeInstanceOf(AIMessage);
      expect(result.content).toBeDefined();
    });

    it('testStructuredFewShotExamples', async () => {
      const history = await toolHistory('');
      const result = await new ChatHearth(args)
        .bindTools([new AdderTool()])
        .invoke([...history, new AIMessage('{"result":3}'), new HumanMessage('What is 3 + 4')]);
      expect(result).toBeInstanceOf(AIMessage);
    });

    for (const includeRaw of [false, true]) {
      it(includeRaw ? 'testWithStructuredOutputIncludeRaw' : 'testWithStructuredOutput', async () => {
        const handler = new OptionsRecorder();
        const model = new ChatHearth(args);
        const structured: Runnable<BaseLanguageModelInput, Record<string, unknown>> = includeRaw
          ? model.withStructuredOutput(adderSchema, { name: 'math_addition', includeRaw: true })
          : model.withStructuredOutput(adderSchema, { name: 'math_addition' });
        const result = (await MATH_ADDITION_PROMPT.pipe(structured).invoke(
          { toolName: 'math_addition' },
          { callbacks: [handler] },
        )) as Record<string, unknown>;
        const parsed = (includeRaw ? result.parsed : result) as { a: unknown; b: unknown };
        if (includeRaw) expect(result.raw).toBeInstanceOf(AIMessage);
        expect(typeof parsed.a).toBe('number');
        expect(typeof parsed.b).toBe('number');
        const format = (
          handler.extraParams.options as {
            ls_structured_output_format?: { kwargs: { method: string }; schema: unknown };
          }
        ).ls_structured_output_format;
        expect(format?.kwargs.method).toBe('functionCalling');
        expect(format?.schema).toEqual(toJsonSchema(adderSchema));
      });
    }

    it('testCacheComplexMessageTypes', async () => {
      const model = new ChatHearth({ ...args, cache: true });
      if (!model.cache) throw new Error('Cache not enabled');
      const humanMessage = new HumanMessage({ content: [{ type: 'text', text: 'Hello there!' }] });
      const prompt = getBufferString([humanMessage]);
      const llmKey = model._getSerializedCacheKeyParametersForCall({} as never);
      await model.invoke([humanMessage]);
      const cached = await model.cache.lookup(prompt, llmKey);
      expect(cached).toHaveLength(1);
      if (!cached?.[0] || !('message' in cached[0])) throw new Error('the cached generation has no message');
      const cachedMessage = cached[0].message;
      const result = await model.invoke([humanMessage]);
      expect(result).toEqual(cachedMessage);
      expect(await model.cache.lookup(prompt, llmKey)).toEqual(cached);
    });

    it('testStreamTokensWithToolCalls', async () => {
      const modelWithTools = new ChatHearth(args).bindTools([new AdderTool()]);
      let result: AIMessageChunk | undefined;
      for await (const chunk of await MATH_ADDITION_PROMPT.pipe(modelWithTools).stream(
        { toolName: 'math_addition' },
        forceTool,
      )) {
        result = result ? result.concat(chunk) : chunk;
      }
      expect(result?.tool_calls?.[0]).toBeDefined();
      expect(result?.usage_metadata?.input_tokens).toBeGreaterThan(0);
      expect(result?.usage_metadata?.output_tokens).toBeGreaterThan(0);
    });

    for (const streaming of [false, true]) {
      it(
        streaming ? 'testModelCanUseToolUseAIMessageWithStreaming' : 'testModelCanUseToolUseAIMessage',
        async () => {
          const modelWithTools = new ChatHearth(args).bindTools([weatherTool]);
          const run = async (
            messages: Parameters<typeof modelWithTools.invoke>[0],
            options?: typeof forceTool,
          ) => {
            if (!streaming) return modelWithTools.invoke(messages, options);
            let full: AIMessageChunk | undefined;
            for await (const chunk of await modelWithTools.stream(messages, options))
              full = full ? concat(full, chunk) : chunk;
            if (!full) throw new Error('no chunks');
            return full;
          };
          const messages: (HumanMessage | AIMessage | ToolMessage)[] = [
            new HumanMessage(
              "What's the weather like in San Francisco right now? Use the 'get_current_weather' tool to find the answer.",
            ),
          ];
          const result = await run(messages, forceTool);
          const call = result.tool_calls?.[0];
          if (!call) throw new Error('result.tool_calls is undefined');
          expect(call.name).toBe('get_current_weather');
          messages.push(result);
          messages.push(
            new ToolMessage({
              tool_call_id: call.id ?? '',
              name: call.name,
              content: await weatherTool.invoke(call.args as z.infer<typeof weatherSchema>),
            }),
          );
          const final = await run(messages);
          expect(final.content).not.toBe('');
        },
      );
    }

    // A random model seldom closes a free-form string, so this schema of four strings and an open
    // record needs thousands of tokens before the grammar lets it finish.
    it('testInvokeMoreComplexTools', async () => {
      const complexSchema = z.object({
        decision: z.enum(['UseAPI', 'UseFallback']),
        explanation: z.string(),
        apiDetails: z.object({
          serviceName: z.string(),
          endpointName: z.string(),
          parameters: z.record(z.unknown()),
          extractionPath: z.string(),
        }),
      });
      const prompt = ChatPromptTemplate.fromMessages([
        ['system', "You're a helpful assistant. Always use the {toolName} tool."],
        ['human', 'I want to use the UseAPI because it is faster. Service name: {serviceName}'],
      ]);
      const structured = new ChatHearth({ ...args, maxTokens: 6000 }).withStructuredOutput(complexSchema, {
        name: 'service_tool',
      });
      const result = await prompt
        .pipe(structured)
        .invoke({ toolName: 'service_tool', serviceName: 'MyService' });
      expect(['UseAPI', 'UseFallback']).toContain(result.decision);
      expect(typeof result.explanation).toBe('string');
      expect(typeof result.apiDetails).toBe('object');
    });

    it('testModelCanAcceptStructuredToolParamsSchema', async () => {
      const params: StructuredToolParams = {
        name: 'get_current_weather',
        description: 'Get the current weather in a given location',
        schema: z.object({ location: z.string().max(20).describe('The city name, e.g. San Francisco') }),
      };
      const result = await new ChatHearth(args)
        .bindTools([params])
        .invoke("What's the weather like in San Francisco today?", forceTool);
      expect(result.tool_calls?.length).toBeGreaterThanOrEqual(1);
      expect(result.tool_calls?.[0]?.name).toBe(params.name);
      expect(result.tool_calls?.[0]?.args).toHaveProperty('location');
    });

    it('testStreamTools', async () => {
      const params: StructuredToolParams = {
        name: 'get_current_weather',
        description: 'Get the current weather in a given location',
        schema: z.object({ location: z.string().max(20).describe('The city name, e.g. San Francisco') }),
      };
      let full: AIMessageChunk | undefined;
      for await (const chunk of await new ChatHearth(args)
        .bindTools([params])
        .stream("What's the weather like in San Francisco today?", forceTool)) {
        full = full ? concat(full, chunk) : chunk;
      }
      expect(full?.tool_calls?.length).toBeGreaterThanOrEqual(1);
      expect(full?.tool_calls?.[0]?.name).toBe(params.name);
      expect(full?.tool_calls?.[0]?.args).toHaveProperty('location');
    });

    it('testStandardTextContentBlocks', async () => {
      const result = await new ChatHearth(args).invoke([
        new HumanMessage({
          content: [{ type: 'text', source_type: 'text', text: 'Hello from a text content block!' } as never],
        }),
      ]);
      expect(result.text).not.toBe('');
    });
  });
});
