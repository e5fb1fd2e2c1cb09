import type { Engine, GenerateDelta, GenerateRequest } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HostedEngine } from '../host/hosted-engine.js';
import { type OpenAIServer, startOpenAIServer } from './openai-server.js';

// Issue 10, "Held": `hearth serve` over the model host under 20 concurrent requests and 90 clients
// that hang up mid-stream, through the official openai client. Every request that was not aborted
// gets the same answer it gets alone, hung-up generations stop in the engine, and the model host
// process is the same one at the end (a crash would have restarted it under a new pid).
let hosted: HostedEngine;
let server: OpenAIServer;
let client: OpenAI;
let hostPid: number;
/** Streamed generations the server has started on the engine and not yet finished or abandoned. */
let openGenerations = 0;
/** Streamed generations that ended early: aborted, or abandoned by the server before their end. */
let stoppedGenerations = 0;

/** The hosted engine, counting streams so a hung-up client's generation can be seen to stop early. */
function countingStreams(engine: Engine): Engine {
  return {
    info: engine.info,
    generate: (request) => engine.generate(request),
    close: () => engine.close(),
    stream: (request: GenerateRequest): AsyncIterable<GenerateDelta> => ({
      async *[Symbol.asyncIterator]() {
        openGenerations++;
        let ranToItsEnd = false;
        try {
          for await (const delta of engine.stream(request)) {
            if (delta.type === 'done') ranToItsEnd = delta.result.finishReason !== 'abort';
            yield delta;
          }
        } finally {
          openGenerations--;
          if (!ranToItsEnd) stoppedGenerations++;
        }
      },
    }),
  };
}

beforeAll(async () => {
  hosted = await HostedEngine.start({
    model: await makeTestkitModel('tiny'),
    name: 'tiny',
    threads: 1,
    contextSize: 4096,
  });
  hostPid = hosted.hostPid as number;
  server = await startOpenAIServer({ engine: countingStreams(hosted), port: 0 });
  client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
  await hosted?.close();
});

const prompts = ['Say hello.', 'Name a colour.', 'Count to three.', 'Tell me a story.'];
/** Prompts whose greedy answer from the tiny model runs past 200 tokens: a hang-up is always mid-stream. */
const longPrompts = ['Name a colour.', 'Count to three.'];

function plainRequest(prompt: string): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return { model: 'tiny', messages: [{ role: 'user', content: prompt }], max_tokens: 6, temperature: 0 };
}

/** Opens a stream, reads its first content chunk, then hangs up with the client's AbortController. */
async function hangUpMidStream(prompt: string): Promise<{ chunksBeforeHangUp: number; finished: boolean }> {
  const hangUp = new AbortController();
  const stream = await client.chat.completions.create(
    // Greedy, so no hang-up is outrun by a sampled end of turn in its first tokens (see longPrompts).
    {
      model: 'tiny',
      messages: [{ role: 'user', content: prompt }],
      max_tokens: 1000,
      temperature: 0,
      stream: true,
    },
    { signal: hangUp.signal },
  );
  let chunksBeforeHangUp = 0;
  let finished = false;
  try {
    for await (const chunk of stream) {
      chunksBeforeHangUp++;
      if (chunk.choices[0]?.finish_reason) finished = true;
      if (chunk.choices[0]?.delta.content) hangUp.abort();
    }
  } catch (error) {
    if (!(error instanceof OpenAI.APIUserAbortError)) throw error;
  }
  return { chunksBeforeHangUp, finished };
}

describe('hearth serve under load keeps one model host and answers every request', () => {
  it('answers 20 concurrent requests each as it answers them alone', async () => {
    const alone = new Map<string, string | null>();
    for (const prompt of prompts) {
      alone.set(
        prompt,
        (await client.chat.completions.create(plainRequest(prompt))).choices[0]?.message.content ?? null,
      );
    }
    // Non-empty, so "the same answer" cannot hold by two requests both failing to say anything.
    for (const [prompt, answer] of alone) expect(answer, prompt).toMatch(/\S/);
    const asked = Array.from({ length: 20 }, (_, index) => prompts[index % prompts.length] as string);
    const answers = await Promise.all(
      asked.map((prompt) => client.chat.completions.create(plainRequest(prompt))),
    );
    answers.forEach((answer, index) => {
      const prompt = asked[index] as string;
      expect(answer.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
      expect(answer.choices[0]?.message.content, `answer ${index} to "${prompt}"`).toBe(alone.get(prompt));
      expect(answer.usage?.completion_tokens).toBeGreaterThan(0);
    });
    expect(hosted.hostPid).toBe(hostPid);
  });

  it('survives 90 clients hanging up mid-stream, with innocent requests between them', async () => {
    const innocentAnswer = (await client.chat.completions.create(plainRequest('Say hello.'))).choices[0]
      ?.message.content;
    expect(innocentAnswer).toMatch(/\S/);
    // Nine waves of ten hang-ups, each wave with an innocent plain request and an innocent stream beside it.
    for (let wave = 0; wave < 9; wave++) {
      const hangUps = Array.from({ length: 10 }, (_, index) =>
        hangUpMidStream(longPrompts[index % longPrompts.length] as string),
      );
      const innocent = client.chat.completions.create(plainRequest('Say hello.'));
      const innocentStream = (async () => {
        const stream = await client.chat.completions.create({ ...plainRequest('Say hello.'), stream: true });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      })();
      for (const hungUp of await Promise.all(hangUps)) {
        expect(hungUp.chunksBeforeHangUp).toBeGreaterThan(0);
        // Hung up before the end: 1000 tokens were asked for and only the first content chunk was read.
        expect(hungUp.finished).toBe(false);
      }
      expect((await innocent).choices[0]?.message.content, `wave ${wave}`).toBe(innocentAnswer);
      expect(await innocentStream, `wave ${wave}`).toBe(innocentAnswer);
    }
    // Every hung-up generation was stopped in the engine, not left decoding 1000 tokens for nobody.
    await vi.waitFor(() => expect(openGenerations).toBe(0), { timeout: 30_000, interval: 100 });
    expect(stoppedGenerations).toBe(90);
    const fresh = await client.chat.completions.create(plainRequest('Name a colour.'));
    expect(fresh.choices[0]?.message.content).toEqual(expect.any(String));
    expect(fresh.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
    expect(hosted.hostPid).toBe(hostPid);
  });
});
