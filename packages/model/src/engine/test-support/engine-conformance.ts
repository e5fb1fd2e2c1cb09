import type {
  ContentPart,
  Engine,
  GenerateDelta,
  GenerateRequest,
  GenerateResult,
  ToolSpec,
} from '@hearth/engine';
import { makeMediaFixtures } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the engine under test is expected to support; unsupported inputs must be refused, not faked. */
export interface ConformanceCapabilities {
  tools: boolean;
  jsonSchema: boolean;
  image: boolean;
  audio: boolean;
  /** Media fixtures (needed when `image` or `audio` is true, optional otherwise). */
  media?: () => Promise<{ image?: ContentPart; audio?: ContentPart }>;
}

/** A Gemma 4 engine with the unified projector (tiny + tiny-mmproj): everything, on the testkit's media fixtures. */
export const multimodalCapabilities: ConformanceCapabilities = {
  tools: true,
  jsonSchema: true,
  image: true,
  audio: true,
  media: async () => {
    const media = await makeMediaFixtures();
    return {
      image: { type: 'image', image: media.screenshotPng },
      audio: { type: 'audio', audio: media.speechWav },
    };
  },
};

const greedy = { greedy: true, seed: 1 } as const;
const hello: GenerateRequest['messages'] = [{ role: 'user', content: 'Hello, who are you?' }];

const weatherTool: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', maxLength: 16 } },
    required: ['city'],
    additionalProperties: false,
  },
};
const unitsTool: ToolSpec = {
  name: 'set_units',
  description: 'Choose the unit system',
  parameters: {
    type: 'object',
    properties: { system: { enum: ['metric', 'imperial'] } },
    required: ['system'],
  },
};

/** Numbers only: the grammar must keep every one finite (no `1e99999`, which parses as Infinity). */
const numbersSchema = {
  type: 'object',
  properties: {
    temperature: { type: 'number' },
    pressure: { type: 'number' },
    readings: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 },
  },
  required: ['temperature', 'pressure', 'readings'],
  additionalProperties: false,
};

function expectFiniteReading(value: { temperature: unknown; pressure: unknown; readings: unknown[] }): void {
  for (const number of [value.temperature, value.pressure, ...value.readings]) {
    expect(typeof number).toBe('number');
    expect(Number.isFinite(number)).toBe(true);
  }
}

async function collect(stream: AsyncIterable<GenerateDelta>): Promise<GenerateDelta[]> {
  const deltas: GenerateDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

function expectWellFormed(result: GenerateResult): void {
  expect(typeof result.text).toBe('string');
  expect(['stop', 'length', 'tool_calls', 'abort']).toContain(result.finishReason);
  expect(Array.isArray(result.toolCalls)).toBe(true);
  expect(Number.isInteger(result.usage.promptTokens)).toBe(true);
  expect(result.usage.promptTokens).toBeGreaterThan(0);
  expect(Number.isInteger(result.usage.completionTokens)).toBe(true);
  expect(typeof result.model).toBe('string');
  expect(result.model).not.toBe('');
  for (const value of Object.values(result.timings)) {
    expect(typeof value).toBe('number');
    expect(value).toBeGreaterThanOrEqual(0);
  }
}

/**
 * The behaviour every Hearth engine must show, run on real models. Random-weight test models write
 * gibberish, so the checks are about structure, counts, determinism and round trips; JSON and tool
 * calls are made well-formed by the engines' own constraints.
 *
 * @param name label of the describe block
 * @param makeEngine creates the engine (called once; closed after the suite)
 */
export function describeEngineConformance(
  name: string,
  makeEngine: () => Promise<Engine>,
  capabilities: ConformanceCapabilities,
): void {
  describe(`engine conformance: ${name}`, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await makeEngine();
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('describes itself', () => {
      expect(typeof engine.info.engine).toBe('string');
      expect(engine.info.model).not.toBe('');
      expect(engine.info.contextSize).toBeGreaterThan(0);
      expect(engine.info.capabilities.tools).toBe(capabilities.tools);
      expect(engine.info.capabilities.jsonSchema).toBe(capabilities.jsonSchema);
    });

    it('generates text with usage, timings and the model name', async () => {
      const result = await engine.generate({ messages: hello, maxTokens: 12, sampling: greedy });
      expectWellFormed(result);
      expect(result.toolCalls).toEqual([]);
      expect(result.usage.completionTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeLessThanOrEqual(12);
    });

    it('streams deltas that concatenate to the final text, ending with one done', async () => {
      const deltas = await collect(engine.stream({ messages: hello, maxTokens: 12, sampling: greedy }));
      const last = deltas.at(-1);
      expect(last?.type).toBe('done');
      expect(deltas.filter((delta) => delta.type === 'done')).toHaveLength(1);
      const streamed = deltas.map((delta) => (delta.type === 'text' ? delta.text : '')).join('');
      if (last?.type !== 'done') throw new Error('unreachable');
      expectWellFormed(last.result);
      expect(streamed).toBe(last.result.text);
      expect(deltas.filter((delta) => delta.type === 'text').length).toBeGreaterThan(0);
    });

    it('is deterministic under greedy sampling', async () => {
      const request: GenerateRequest = { messages: hello, maxTokens: 16, sampling: greedy };
      const first = await engine.generate(request);
      const second = await engine.generate(request);
      expect(second.text).toBe(first.text);
    });

    it("stops at maxTokens with finishReason 'length'", async () => {
      const result = await engine.generate({
        messages: [{ role: 'user', content: 'Count from one to one hundred.' }],
        maxTokens: 5,
        sampling: greedy,
      });
      expect(result.finishReason).toBe('length');
      expect(result.usage.completionTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeLessThanOrEqual(5);
    });

    it('counts more prompt tokens for a longer prompt', async () => {
      const short = await engine.generate({ messages: hello, maxTokens: 2, sampling: greedy });
      const long = await engine.generate({
        messages: [
          { role: 'system', content: 'You are a careful assistant that answers in one short sentence.' },
          { role: 'user', content: 'Hello, who are you? Please tell me about yourself and your purpose.' },
        ],
        maxTokens: 2,
        sampling: greedy,
      });
      expect(long.usage.promptTokens).toBeGreaterThan(short.usage.promptTokens + 10);
    });

    it('ends the text before a stop sequence', async () => {
      const request: GenerateRequest = { messages: hello, maxTokens: 24, sampling: greedy };
      const free = await engine.generate(request);
      // A stop string taken from the middle of the free-running answer, so it must be hit.
      const match = /\S{2}/.exec(free.text.slice(Math.floor(free.text.length / 2)));
      if (!match)
        throw new Error(`free-running text too short to pick a stop string: ${JSON.stringify(free.text)}`);
      const stop = match[0];
      const stopped = await engine.generate({ ...request, stop: [stop] });
      expect(stopped.finishReason).toBe('stop');
      expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf(stop)).trimEnd());
      expect(stopped.text).not.toContain(stop);
    });

    it("aborts mid-stream with finishReason 'abort'", async () => {
      const controller = new AbortController();
      const deltas: GenerateDelta[] = [];
      for await (const delta of engine.stream({
        messages: hello,
        maxTokens: 400,
        sampling: greedy,
        signal: controller.signal,
      })) {
        deltas.push(delta);
        if (delta.type === 'text') controller.abort();
      }
      const last = deltas.at(-1);
      if (last?.type !== 'done') throw new Error('the stream must end with done after an abort');
      expect(last.result.finishReason).toBe('abort');
      expect(last.result.usage.completionTokens).toBeLessThan(400);
    });

    it('serves two concurrent requests', async () => {
      const [a, b] = await Promise.all([
        engine.generate({ messages: hello, maxTokens: 6, sampling: greedy }),
        engine.generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 6, sampling: greedy }),
      ]);
      expectWellFormed(a);
      expectWellFormed(b);
    });

    it.runIf(capabilities.jsonSchema)('writes JSON that matches a response schema', async () => {
      const schema = {
        type: 'object',
        properties: {
          ok: { type: 'boolean' },
          color: { enum: ['red', 'green', 'blue'] },
          label: { type: 'string', maxLength: 12 },
        },
        required: ['ok', 'color', 'label'],
        additionalProperties: false,
      };
      const result = await engine.generate({
        messages: [{ role: 'user', content: 'Describe the sky as JSON.' }],
        responseFormat: { type: 'json_schema', schema, name: 'sky' },
        maxTokens: 80,
        sampling: greedy,
      });
      expect(result.finishReason).toBe('stop');
      const value = JSON.parse(result.text) as Record<string, unknown>;
      expect(Object.keys(value).sort()).toEqual(['color', 'label', 'ok']);
      expect(typeof value.ok).toBe('boolean');
      expect(['red', 'green', 'blue']).toContain(value.color);
      // maxLength only keeps the string short: llama.cpp's grammar counts code points, while byte-fallback
      // tokens of a random model can decode to several U+FFFD characters, so the length is not asserted.
      expect(typeof value.label).toBe('string');
    });

    it.runIf(capabilities.jsonSchema)(
      'streams a JSON reply token by token under a response schema',
      async () => {
        const deltas = await collect(
          engine.stream({
            messages: [{ role: 'user', content: 'Describe the sky as JSON.' }],
            responseFormat: { type: 'json_schema', schema: numbersSchema, name: 'reading' },
            maxTokens: 120,
            sampling: greedy,
          }),
        );
        const last = deltas.at(-1);
        if (last?.type !== 'done') throw new Error('stream must end with done');
        const texts = deltas.flatMap((delta) => (delta.type === 'text' ? [delta.text] : []));
        expect(texts.join('')).toBe(last.result.text);
        // Token by token, not one delta at the end: a reply of this schema is several tokens long.
        expect(texts.length).toBeGreaterThanOrEqual(5);
        expect(texts.length).toBeGreaterThanOrEqual(last.result.usage.completionTokens / 4);
        expect(last.result.finishReason).toBe('stop');
        expectFiniteReading(JSON.parse(last.result.text));
      },
    );

    it.runIf(capabilities.jsonSchema)('decodes only finite JSON numbers, whatever the seed', async () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const result = await engine.generate({
          messages: [{ role: 'user', content: 'Give three readings.' }],
          responseFormat: { type: 'json_schema', schema: numbersSchema },
          maxTokens: 120,
          sampling: { temperature: 1.5, seed },
        });
        expect(result.finishReason, `seed ${seed}: ${result.text}`).toBe('stop');
        expectFiniteReading(JSON.parse(result.text));
      }
    });

    it.runIf(capabilities.tools)('forces a call of the named tool under toolChoice {name}', async () => {
      for (const seed of [1, 2, 3]) {
        const deltas = await collect(
          engine.stream({
            messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
            tools: [weatherTool, unitsTool],
            toolChoice: { name: 'set_units' },
            maxTokens: 200,
            sampling: { temperature: 1, seed },
          }),
        );
        const last = deltas.at(-1);
        if (last?.type !== 'done') throw new Error('stream must end with done');
        expect(last.result.finishReason).toBe('tool_calls');
        expect(last.result.toolCalls).toHaveLength(1);
        expect(last.result.toolCalls[0]?.name).toBe('set_units');
        expect(['metric', 'imperial']).toContain(last.result.toolCalls[0]?.args.system);
        expect(deltas.filter((delta) => delta.type === 'tool-call')).toHaveLength(1);
      }
    });

    it.runIf(capabilities.tools)('refuses a toolChoice naming a tool the request lacks', async () => {
      await expect(
        engine.generate({
          messages: hello,
          tools: [weatherTool],
          toolChoice: { name: 'get_wether' },
          maxTokens: 8,
        }),
      ).rejects.toThrow(/get_wether/);
      await expect(
        engine.generate({ messages: hello, toolChoice: { name: 'get_weather' }, maxTokens: 8 }),
      ).rejects.toThrow(/get_weather/);
    });

    it.runIf(capabilities.tools)('round-trips a required tool call and its result', async () => {
      const messages: GenerateRequest['messages'] = [
        { role: 'user', content: 'What is the weather in Paris? Use a tool.' },
      ];
      const call = await engine.generate({
        messages,
        tools: [weatherTool, unitsTool],
        toolChoice: 'required',
        maxTokens: 200,
        sampling: greedy,
      });
      expect(call.finishReason).toBe('tool_calls');
      expect(call.toolCalls.length).toBeGreaterThanOrEqual(1);
      const toolCall = call.toolCalls[0];
      if (!toolCall) throw new Error('unreachable');
      expect(typeof toolCall.id).toBe('string');
      expect(toolCall.id).not.toBe('');
      expect(['get_weather', 'set_units']).toContain(toolCall.name);
      if (toolCall.name === 'get_weather') expect(typeof toolCall.args.city).toBe('string');
      else expect(['metric', 'imperial']).toContain(toolCall.args.system);

      const answer = await engine.generate({
        messages: [
          ...messages,
          { role: 'assistant', content: '', toolCalls: call.toolCalls },
          ...call.toolCalls.map((c) => ({
            role: 'tool' as const,
            toolCallId: c.id,
            name: c.name,
            content: JSON.stringify({ temperatureC: 21, sky: 'clear' }),
          })),
        ],
        tools: [weatherTool, unitsTool],
        toolChoice: 'none',
        maxTokens: 8,
        sampling: greedy,
      });
      expectWellFormed(answer);
      expect(answer.toolCalls).toEqual([]);
      // The call and its result are part of the prompt now.
      const withoutExchange = await engine.generate({ messages, maxTokens: 1, sampling: greedy });
      expect(answer.usage.promptTokens).toBeGreaterThan(withoutExchange.usage.promptTokens + 10);
    });

    it.runIf(capabilities.tools)('streams a required tool call as a tool-call delta', async () => {
      const deltas = await collect(
        engine.stream({
          messages: [{ role: 'user', content: 'Weather in Oslo?' }],
          tools: [weatherTool],
          toolChoice: 'required',
          maxTokens: 200,
          sampling: greedy,
        }),
      );
      const last = deltas.at(-1);
      if (last?.type !== 'done') throw new Error('stream must end with done');
      const streamedCalls = deltas.flatMap((delta) => (delta.type === 'tool-call' ? [delta.toolCall] : []));
      expect(streamedCalls).toEqual(last.result.toolCalls);
      expect(streamedCalls[0]?.name).toBe('get_weather');
      expect(last.result.finishReason).toBe('tool_calls');
    });

    for (const kind of ['image', 'audio'] as const) {
      if (capabilities[kind]) {
        it(`takes an ${kind} part and counts its tokens`, async () => {
          const part = (await capabilities.media?.())?.[kind];
          if (!part) throw new Error(`capabilities.media must provide an ${kind} fixture`);
          const textOnly = await engine.generate({
            messages: [{ role: 'user', content: [{ type: 'text', text: `Describe this ${kind}.` }] }],
            maxTokens: 4,
            sampling: greedy,
          });
          const withMedia = await engine.generate({
            messages: [{ role: 'user', content: [{ type: 'text', text: `Describe this ${kind}.` }, part] }],
            maxTokens: 4,
            sampling: greedy,
          });
          expectWellFormed(withMedia);
          expect(withMedia.usage.promptTokens).toBeGreaterThan(textOnly.usage.promptTokens);
        });
      } else {
        it(`refuses an ${kind} part with an error naming it`, async () => {
          const part: ContentPart =
            kind === 'image'
              ? { type: 'image', image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: 'image/png' }
              : { type: 'audio', audio: new Uint8Array([0x52, 0x49, 0x46, 0x46]), mimeType: 'audio/wav' };
          await expect(
            engine.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, part] }] }),
          ).rejects.toThrow(new RegExp(kind));
        });
      }
    }
  });
}
