import { makeTestkitModel } from '@hearth/testkit';
import { describe, expect, it } from 'vitest';
import { HostedEngine } from '../host/hosted-engine.js';
import { createEngine } from './create-engine.js';
import { LlamaNodeEngine } from './llama-node/llama-node-engine.js';

describe('createEngine', () => {
  it('makes the llama-node engine in a model host, in-process on request, and node-llama-cpp by name', async () => {
    const model = await makeTestkitModel('tiny');
    const made = [
      await createEngine({ engine: 'llama-node', model, threads: 1 }),
      await createEngine({ engine: 'llama-node', model, threads: 1, isolation: 'in-process' }),
      await createEngine({ engine: 'node-llama-cpp', model, threads: 1 }),
    ];
    try {
      expect(made[0]).toBeInstanceOf(HostedEngine);
      expect(made[1]).toBeInstanceOf(LlamaNodeEngine);
      expect(made.map((engine) => engine.info.engine)).toEqual([
        'llama-node',
        'llama-node',
        'node-llama-cpp',
      ]);
      for (const engine of made) {
        const result = await engine.generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 2 });
        expect(result.usage.promptTokens).toBeGreaterThan(0);
      }
    } finally {
      for (const engine of made) await engine.close();
    }
  });
});
