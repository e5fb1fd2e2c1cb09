import { readFile } from 'node:fs/promises';
import type { Engine } from '@hearth/engine';
import { type MediaFixtures, makeMediaFixtures, makeTestkitModel } from '@hearth/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOpenAIEngine } from '../engine/openai/openai-engine.js';
import {
  describeEngineConformance,
  multimodalCapabilities,
} from '../engine/test-support/engine-conformance.js';
import { HostedEngine } from '../host/hosted-engine.js';
import { type OpenAIServer, startOpenAIServer } from './openai-server.js';

// hearth serve over the default engine: llama-node (tiny + unified mmproj) in its model host process.
let engine: Engine;
let server: OpenAIServer;
let media: MediaFixtures;

beforeAll(async () => {
  [engine, media] = await Promise.all([
    (async () =>
      HostedEngine.start({
        model: await makeTestkitModel('tiny'),
        mmproj: await makeTestkitModel('tiny-mmproj'),
        name: 'tiny',
        threads: 1,
        contextSize: 4096,
      }))(),
    makeMediaFixtures(),
  ]);
  server = await startOpenAIServer({ engine, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

describe('hearth serve over llama-node answers the official openai client', () => {
  it('takes an image part and an audio part, counting their tokens', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    const png = (await readFile(media.patternPng)).toString('base64');
    const wav = (await readFile(media.toneWav)).toString('base64');
    const ask = (content: OpenAI.ChatCompletionContentPart[]) =>
      client.chat.completions.create({
        model: 'tiny',
        messages: [{ role: 'user', content }],
        max_tokens: 4,
        temperature: 0,
      });

    const textOnly = await ask([{ type: 'text', text: 'What is this?' }]);
    const withImage = await ask([
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
    ]);
    const withAudio = await ask([
      { type: 'text', text: 'What is this?' },
      { type: 'input_audio', input_audio: { data: wav, format: 'wav' } },
    ]);
    for (const completion of [withImage, withAudio]) {
      expect(typeof completion.choices[0]?.message.content).toBe('string');
      expect(completion.choices[0]?.finish_reason).toBe('length');
    }
    // A 160x120 image is 48 tokens plus markers; audio is 25 tokens a second.
    expect(withImage.usage?.prompt_tokens).toBeGreaterThan((textOnly.usage?.prompt_tokens ?? 0) + 40);
    expect(withAudio.usage?.prompt_tokens).toBeGreaterThan((textOnly.usage?.prompt_tokens ?? 0) + 10);
  });

  it('streams with the official client', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 8,
      temperature: 0,
      stream: true,
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('length');
    expect(text.length).toBeGreaterThan(0);
  });
});

// The openai engine, pointed at hearth serve over llama-node, passes the same suite as llama-node itself.
describeEngineConformance(
  'openai engine against hearth serve (llama-node, tiny + tiny-mmproj)',
  () => connectOpenAIEngine({ baseUrl: server.url, model: 'tiny' }),
  multimodalCapabilities,
);
