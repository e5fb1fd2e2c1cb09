import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Gemma4ChatWrapper,
  getLlama,
  type Llama,
  LlamaChatSession,
  LlamaCompletion,
  type LlamaModel,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestkitModel } from '../family.js';
import { expectedCycleText } from './cycle.js';

// node-llama-cpp is the second binding the model package supports: the tiny targets must load and
// generate there too. One thread: with two on a 2-core machine it is 15-30x slower.

let dir: string;
let llama: Llama;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-node-llama-cpp-test-'));
  llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never, maxThreads: 1 });
});
afterAll(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function withModel<T>(path: string, use: (model: LlamaModel) => Promise<T>): Promise<T> {
  const model = await llama.loadModel({ modelPath: path });
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
}

describe('testkit models in node-llama-cpp', () => {
  for (const name of ['tiny', 'tiny-moe'] as const) {
    it(`${name} loads, completes and chats`, async () => {
      const path = await makeTestkitModel(name, { dir });
      await withModel(path, async (model) => {
        expect(model.fileInfo.metadata.general.architecture).toBe('gemma4');
        const context = await model.createContext({ contextSize: 512, threads: 1, sequences: 2 });
        try {
          const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
          const meta = await completion.generateCompletionWithMeta('hello world', {
            maxTokens: 8,
            temperature: 0,
          });
          expect(meta.response.length).toBeGreaterThan(0);
          completion.dispose();

          const session = new LlamaChatSession({ contextSequence: context.getSequence() });
          const answer = await session.prompt('Hi there', { maxTokens: 8, temperature: 0 });
          expect(typeof answer).toBe('string');
          // The template renders plain chats like node-llama-cpp's Gemma 4 wrapper, so that one is chosen.
          expect(session.chatWrapper).toBeInstanceOf(Gemma4ChatWrapper);
          session.dispose();
        } finally {
          await context.dispose();
        }
      });
    });
  }

  it('cycle emits its known sequence greedily here too', async () => {
    const path = await makeTestkitModel('cycle', { dir });
    await withModel(path, async (model) => {
      const context = await model.createContext({ contextSize: 512, threads: 1 });
      try {
        const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
        const text = await completion.generateCompletion('hello world', { maxTokens: 20, temperature: 0 });
        expect(text).toBe(expectedCycleText('hello world', 20));
      } finally {
        await context.dispose();
      }
    });
  });
});
