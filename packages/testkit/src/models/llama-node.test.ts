import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateGgufFile } from '@hearth/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestkitFamily, makeTestkitModel, type TestkitModelName } from '../family.js';
import { encodePng } from '../media/png.js';
import { encodeWav } from '../media/wav.js';
import {
  type LlamaContext,
  type LlamaModelOptions,
  loadModel,
  releaseContext,
  slotCompletion,
} from '../test-support/llama-node.js';
import { expectedCycleText } from './cycle.js';

// These tests load every generated file in the real llama.cpp (through @fugood/llama.node). A file
// llama.cpp rejects kills this test process, which vitest reports as a failed file.
// Every completion goes through `slotCompletion` (the slot API, as Hearth's engine uses it): the
// binding's plain `completion()` can wedge in "Another completion is in progress" when one context
// serves several calls, which made these tests fail at random.

/** llama.node's greedy settings: temperature 0 alone leaves XTC and DRY on with a random seed. */

const greedy = { temperature: 0, top_k: 1, xtc_probability: 0, dry_multiplier: 0, seed: 1 } as const;

let dir: string;
let family: Record<TestkitModelName, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-llama-node-test-'));
  family = await makeTestkitFamily({ dir });
  for (const path of Object.values(family)) await validateGgufFile(path);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withContext<T>(
  options: LlamaModelOptions,
  use: (context: LlamaContext) => Promise<T>,
): Promise<T> {
  const context = await loadModel({ n_ctx: 1024, n_threads: 1, n_parallel: 1, ...options });
  try {
    return await use(context);
  } finally {
    await releaseContext(context);
  }
}

function bosId(context: LlamaContext): number {
  return Number(context.getModelInfo().metadata['tokenizer.ggml.bos_token_id']);
}

/**
 * Checks that the queued prompt is what llama.cpp evaluated (nothing came from a cache) and that it
 * starts with exactly one BOS, as the plain `completion()` these tests used before tokenized it.
 */
async function expectEvaluatedWithOneBos(
  context: LlamaContext,
  result: Awaited<ReturnType<typeof slotCompletion>>,
): Promise<number[]> {
  const tokens = [
    ...(await context.tokenize(result.prompt, result.media_paths ? { media_paths: result.media_paths } : {}))
      .tokens,
  ];
  expect(result.timings.cache_n).toBe(0);
  expect(result.timings.prompt_n).toBe(tokens.length);
  expect(tokens[0]).toBe(bosId(context));
  expect(tokens[1]).not.toBe(bosId(context));
  return tokens;
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
    },
  },
} as const;

describe('tiny (random gemma4 target) in llama.node', () => {
  it('loads and generates text, and chats through the Gemma 4 template', async () => {
    await withContext({ model: family.tiny }, async (context) => {
      expect(context.getModelInfo().metadata['general.architecture']).toBe('gemma4');
      const raw = await slotCompletion(context, { prompt: 'hello world', n_predict: 12, ...greedy });
      expect(raw.tokens_predicted).toBeGreaterThan(0);
      expect(raw.text.length).toBeGreaterThan(0);

      const formatted = context.getFormattedChat([{ role: 'user', content: 'Hi there' }], undefined, {
        jinja: true,
        enable_thinking: false,
        add_generation_prompt: true,
      });
      expect(formatted.prompt).toBe(
        '<|turn>user\nHi there<turn|>\n<|turn>model\n<|channel>thought\n<channel|>',
      );
    });
  });

  it("renders tool declarations and returns a Gemma 4 native tool call through llama.cpp's parser", async () => {
    await withContext({ model: family.tiny }, async (context) => {
      const messages = [{ role: 'user', content: 'Weather in Paris?' }];
      const formatted = context.getFormattedChat(messages, undefined, {
        jinja: true,
        tools: [weatherTool],
        tool_choice: 'required',
        add_generation_prompt: true,
      });
      expect(formatted.prompt).toContain(
        '<|tool>declaration:get_weather{description:<|"|>Current weather for a city<|"|>,parameters:{properties:{city:{description:<|"|>City name<|"|>,type:<|"|>STRING<|"|>}},required:[<|"|>city<|"|>],type:<|"|>OBJECT<|"|>}}<tool|>',
      );
      // llama.cpp's Gemma 4 handler builds a tool-call grammar from the declarations.
      expect(formatted.grammar).toContain('<|tool_call>call:');
      expect(formatted.grammar).toContain('get_weather');

      // Random weights never choose a call on their own, so the sampled text is constrained to the
      // native call syntax; llama.cpp's Gemma 4 parser must then turn it into an OpenAI tool call.
      const grammar =
        'root ::= "<|tool_call>call:get_weather{city:<|\\"|>" [a-z]{1,8} "<|\\"|>}<tool_call|>"';
      // The template's chat format and parser travel with the prompt, so llama.cpp parses the reply.
      const result = await slotCompletion(context, {
        chat: {
          messages,
          tools: [weatherTool],
          tool_choice: 'auto',
          enable_thinking: false,
          reasoning_format: 'auto',
        },
        grammar,
        n_predict: 48,
        ...greedy,
      });
      expect(result.text).toMatch(
        /^<\|tool_call>call:get_weather\{city:<\|"\|>[a-z]{1,8}<\|"\|>\}<tool_call\|>$/,
      );
      expect(result.tool_calls).toHaveLength(1);
      const call = result.tool_calls?.[0];
      expect(call?.function.name).toBe('get_weather');
      const city = /<\|"\|>([a-z]+)<\|"\|>/.exec(result.text)?.[1];
      expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city });
    });
  });

  it('renders a tool result turn the way the Gemma 4 handler expects', async () => {
    await withContext({ model: family.tiny }, async (context) => {
      const formatted = context.getFormattedChat(
        [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny, 21 C' },
        ] as never,
        undefined,
        {
          jinja: true,
          tools: [weatherTool],
          tool_choice: 'auto',
          add_generation_prompt: true,
          enable_thinking: false,
        },
      );
      expect(formatted.prompt).toContain(
        '<|turn>model\n<|tool_call>call:get_weather{city:<|"|>Paris<|"|>}<tool_call|><|tool_response>response:get_weather{value:<|"|>sunny, 21 C<|"|>}<tool_response|>',
      );
    });
  });
});

describe('tiny-moe (26B-A4B layout) in llama.node', () => {
  it('loads and generates', async () => {
    await withContext({ model: family['tiny-moe'] }, async (context) => {
      const info = context.getModelInfo();
      expect(info.metadata['gemma4.expert_count']).toBe('8');
      const result = await slotCompletion(context, { prompt: 'hello world', n_predict: 12, ...greedy });
      expect(result.tokens_predicted).toBeGreaterThan(0);
      expect(result.text.length).toBeGreaterThan(0);
    });
  });
});

describe('tiny-assistant (MTP drafter) with tiny', () => {
  it('drafts tokens and leaves greedy output unchanged', async () => {
    const speculative = { type: 'draft-mtp', n_max: 3, draft: { model: family['tiny-assistant'] } } as const;
    const plain = await withContext({ model: family.tiny }, (context) =>
      slotCompletion(context, { prompt: 'the weather in paris', n_predict: 24, ...greedy }),
    );
    // The drafter must be given at load time (`model_draft` + `speculative`); a per-completion
    // `speculative.draft.model` alone does not load it in llama.node 1.7.15.
    const drafted = await withContext(
      { model: family.tiny, model_draft: family['tiny-assistant'], speculative },
      (context) =>
        slotCompletion(context, { prompt: 'the weather in paris', n_predict: 24, ...greedy, speculative }),
    );
    expect(drafted.text).toBe(plain.text);
    expect(drafted.draft_tokens ?? 0).toBeGreaterThan(0);
  });
});

describe('tiny-mmproj (unified gemma4uv + gemma4ua) with tiny', () => {
  it('consumes an image and an audio clip as media tokens', async () => {
    const width = 160;
    const height = 120;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba.set([(i * 7) % 256, (i * 3) % 256, 100, 255], i * 4);
    }
    const imagePath = join(dir, 'pattern.png');
    await writeFile(imagePath, encodePng({ width, height, rgba }));
    const samples = new Float32Array(16_000);
    for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16_000);
    const wav = encodeWav({ sampleRate: 16_000, samples });

    await withContext({ model: family.tiny, n_ctx: 2048 }, async (context) => {
      expect(await context.initMultimodal({ path: family['tiny-mmproj'] })).toBe(true);
      /** Prompt tokens llama.cpp evaluated for one user turn, and how many of them are the media's. */
      const promptTokens = async (content: unknown[]) => {
        const result = await slotCompletion(context, {
          chat: { messages: [{ role: 'user', content }] },
          n_predict: 2,
          ...greedy,
        });
        expect(result.media_paths ?? []).toHaveLength(content.length - 1);
        // The slot API counts media tokens in `timings.prompt_n`; mtmd's tokenization of the same
        // prompt and media must agree, and holds each media token as a -1 placeholder.
        const tokens = await expectEvaluatedWithOneBos(context, result);
        return { evaluated: result.timings.prompt_n, media: tokens.filter((token) => token === -1).length };
      };
      const text = { type: 'text', text: 'Describe this.' };
      const base = await promptTokens([text]);
      const image = await promptTokens([{ type: 'image_url', image_url: { url: imagePath } }, text]);
      const audio = await promptTokens([
        {
          type: 'input_audio',
          input_audio: { format: 'wav', data: `data:audio/wav;base64,${wav.toString('base64')}` },
        },
        text,
      ]);
      // mtmd resizes a 160x120 image to 48 patch tokens; 1 s of audio is 25 frames
      // of 640 samples. Each medium also adds its begin/end markers and a separator (3 tokens).
      expect(base.media).toBe(0);
      expect(image.media).toBe(48);
      expect(audio.media).toBe(25);
      expect(image.evaluated - base.evaluated).toBe(48 + 3);
      expect(audio.evaluated - base.evaluated).toBe(25 + 3);
    });
  });
});

describe('cycle (designed weights)', () => {
  it('emits the alphabet greedily after raw and chat prompts', async () => {
    await withContext({ model: family.cycle }, async (context) => {
      const raw = await slotCompletion(context, { prompt: 'hello world', n_predict: 40, ...greedy });
      expect(raw.text).toBe(expectedCycleText('hello world', 40));
      expect(raw.text.startsWith('efgh')).toBe(true);
      // The slot API adds no BOS; the helper does, so the prompt is `<bos>` then the text's tokens.
      expect(await expectEvaluatedWithOneBos(context, raw)).toEqual([
        bosId(context),
        ...(await context.tokenize('hello world')).tokens,
      ]);

      const chat = await slotCompletion(context, {
        chat: {
          messages: [{ role: 'user', content: 'Say the alphabet' }],
          enable_thinking: false,
          reasoning_format: 'auto',
        },
        n_predict: 30,
        ...greedy,
      });
      await expectEvaluatedWithOneBos(context, chat);
      // The generation prompt ends in `<channel|>`, a control token: the cycle starts at `a`.
      expect(chat.text).toBe(expectedCycleText('', 30));
      expect(chat.content).toBe(expectedCycleText('', 30));
    });
  });

  it('keeps its output when its layers grow or are quantised (heavier targets for benchmarks)', async () => {
    for (const weightType of ['F32', 'F16', 'Q8_0'] as const) {
      const heavy = await makeTestkitModel('cycle', {
        dir,
        hiddenSize: 128,
        layers: 6,
        feedForwardLength: 2048,
        weightType,
      });
      const info = await validateGgufFile(heavy, { architecture: 'gemma4' });
      const ffnUp = info.tensors.find((tensor) => tensor.name === 'blk.0.ffn_up.weight');
      expect(ffnUp?.type).toBe({ F32: 0, F16: 1, Q8_0: 8 }[weightType]);
      await withContext({ model: heavy }, async (context) => {
        const result = await slotCompletion(context, {
          prompt: 'the quick brown fox',
          n_predict: 30,
          ...greedy,
        });
        expect(result.text, weightType).toBe(expectedCycleText('the quick brown fox', 30));
      });
    }
  });

  it("keeps its output and its drafts' acceptance with a larger vocabulary of unused fillers", async () => {
    const sizes = { dir, vocabularySize: 4096 };
    const model = await makeTestkitModel('cycle', sizes);
    const drafter = await makeTestkitModel('cycle-assistant', sizes);
    const prompt = 'the quick brown fox';
    const speculative = { type: 'draft-mtp', n_max: 4, draft: { model: drafter } } as const;
    const drafted = await withContext({ model, model_draft: drafter, speculative }, (context) =>
      slotCompletion(context, { prompt, n_predict: 40, ...greedy, speculative }),
    );
    expect(drafted.text).toBe(expectedCycleText(prompt, 40));
    expect(drafted.draft_tokens ?? 0).toBeGreaterThan(0);
    expect(drafted.draft_tokens_accepted).toBe(drafted.draft_tokens);
  });

  it('with cycle-assistant: MTP output identical to plain decoding, most drafts accepted', async () => {
    const prompt = 'count with me: a';
    const plain = await withContext({ model: family.cycle }, (context) =>
      slotCompletion(context, { prompt, n_predict: 64, ...greedy }),
    );
    expect(plain.text).toBe(expectedCycleText(prompt, 64));
    const acceptance: Record<string, number> = {};
    for (const draftAccuracy of [1, 0.8]) {
      const drafter = await makeTestkitModel('cycle-assistant', { dir, draftAccuracy });
      await validateGgufFile(drafter, { target: family.cycle });
      const speculative = { type: 'draft-mtp', n_max: 4, draft: { model: drafter } } as const;
      const drafted = await withContext(
        { model: family.cycle, model_draft: drafter, speculative },
        (context) => slotCompletion(context, { prompt, n_predict: 64, ...greedy, speculative }),
      );
      expect(drafted.text, `draftAccuracy ${draftAccuracy}`).toBe(plain.text);
      const drafts = drafted.draft_tokens ?? 0;
      const accepted = drafted.draft_tokens_accepted ?? 0;
      expect(drafts).toBeGreaterThan(0);
      acceptance[draftAccuracy] = accepted / drafts;
      console.log(`cycle MTP, draftAccuracy ${draftAccuracy}: ${accepted}/${drafts} drafts accepted`);
    }
    expect(acceptance[1]).toBeGreaterThanOrEqual(0.9);
    expect(acceptance[0.8]).toBeGreaterThanOrEqual(0.6);
    expect(acceptance[0.8]).toBeLessThan(acceptance[1] ?? 0);
  });
});
