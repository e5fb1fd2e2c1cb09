import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgufValidationError } from '@hearth/gguf';
import { makeTestkitModel } from '@hearth/testkit';
import { describe, expect, it } from 'vitest';
import { EngineCapabilityError } from '../../errors/engine-capability-error.js';
import { EngineLoadError } from '../../errors/engine-load-error.js';
import { describeEngineConformance } from '../test-support/engine-conformance.js';
import { loadNodeLlamaCppEngine } from './node-llama-cpp-engine.js';

const loadTiny = async () =>
  loadNodeLlamaCppEngine({
    model: await makeTestkitModel('tiny'),
    name: 'tiny',
    threads: 1,
    gpu: false,
    contextSize: 2048,
  });

describeEngineConformance('node-llama-cpp on tiny', loadTiny, {
  tools: true,
  jsonSchema: true,
  image: false,
  audio: false,
});

describe('node-llama-cpp engine', () => {
  it('reports a missing file as EngineLoadError', async () => {
    const error = await loadNodeLlamaCppEngine({ model: '/nonexistent/model.gguf', gpu: false }).catch(
      (e) => e,
    );
    expect(EngineLoadError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/\/nonexistent\/model\.gguf.*does not exist/);
    expect(error.code).toBe('ENGINE_LOAD');
  });

  it('refuses a file that is not GGUF before any native load, naming the file', async () => {
    const path = join(tmpdir(), `hearth-not-a-model-${process.pid}.gguf`);
    await writeFile(path, 'this is not a GGUF file');
    const error = await loadNodeLlamaCppEngine({ model: path, gpu: false }).catch((e) => e);
    expect(GgufValidationError.isInstance(error)).toBe(true);
    expect(error.message).toContain(path);
  });

  it("reports a valid GGUF that llama.cpp refuses as EngineLoadError with llama.cpp's reason", async () => {
    // A multimodal projector is a valid GGUF but not a language model.
    const mmproj = await makeTestkitModel('tiny-mmproj');
    const error = await loadNodeLlamaCppEngine({ model: mmproj, gpu: false }).catch((e) => e);
    expect(EngineLoadError.isInstance(error)).toBe(true);
    expect(error.message).toContain(mmproj);
    expect(error.message).toMatch(/CLIP cannot be used as main model/);
  });

  it('reuses the KV cache for a repeated prefix and refuses media with a typed error', async () => {
    const engine = await loadTiny();
    try {
      const question = 'First question, with some words to fill the prompt.';
      const messages = [
        { role: 'system' as const, content: 'You are terse.' },
        { role: 'user' as const, content: question },
      ];
      const first = await engine.generate({ messages, maxTokens: 4, sampling: { greedy: true } });
      const second = await engine.generate({
        messages: [
          ...messages,
          { role: 'assistant', content: first.text },
          { role: 'user', content: 'And a second one.' },
        ],
        maxTokens: 4,
        sampling: { greedy: true },
      });
      expect(second.usage.cachedPromptTokens).toBeGreaterThan(question.length / 8);
      expect(second.usage.cachedPromptTokens).toBeLessThan(second.usage.promptTokens);

      const error = await engine
        .generate({
          messages: [{ role: 'user', content: [{ type: 'audio', audio: 'data:audio/wav;base64,AAAA' }] }],
        })
        .catch((e) => e);
      expect(EngineCapabilityError.isInstance(error)).toBe(true);
      expect(error.capability).toBe('audio');
      expect(error.message).toMatch(/llama-node/);
    } finally {
      await engine.close();
    }
  });

  it('rejects a tool result whose call id is unknown, naming the message', async () => {
    const engine = await loadTiny();
    try {
      await expect(
        engine.generate({
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'tool', toolCallId: 'nope', name: 'x', content: '1' },
          ],
        }),
      ).rejects.toThrow(/messages\[1\].*"nope"/);
    } finally {
      await engine.close();
    }
  });

  it('writes integers without exponents under an integer schema', async () => {
    const engine = await loadTiny();
    try {
      const schema = {
        type: 'object',
        properties: { a: { type: 'integer' }, b: { type: 'integer' }, c: { type: 'integer' } },
        required: ['a', 'b', 'c'],
      };
      for (const content of ['Three numbers', 'Add 1836281973 and 19973286', 'zzz']) {
        const result = await engine.generate({
          messages: [{ role: 'user', content }],
          responseFormat: { type: 'json_schema', schema },
          maxTokens: 120,
          sampling: { greedy: true },
        });
        expect(result.text).not.toMatch(/[eE]/);
        const value = JSON.parse(result.text) as Record<string, number>;
        for (const key of ['a', 'b', 'c'])
          expect(Number.isSafeInteger(value[key]) || Number.isInteger(value[key])).toBe(true);
      }
    } finally {
      await engine.close();
    }
  });

  it('decodes with tools offered under toolChoice auto', async () => {
    const engine = await loadTiny();
    try {
      const result = await engine.generate({
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [
          { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: {} } },
        ],
        maxTokens: 8,
        sampling: { greedy: true },
      });
      // A random model rarely chooses to call; either outcome must be well-formed.
      if (result.finishReason === 'tool_calls') expect(result.toolCalls[0]?.name).toBe('get_weather');
      else expect(result.toolCalls).toEqual([]);
      expect(result.usage.promptTokens).toBeGreaterThan(10);
    } finally {
      await engine.close();
    }
  });
});
