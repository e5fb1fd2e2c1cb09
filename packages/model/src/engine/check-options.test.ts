import { describe, expect, it } from 'vitest';
import { EngineOptionsError } from '../errors/engine-options-error.js';
import { connectOpenAIEngine, type OpenAIEngineOptions } from './openai/openai-engine.js';

/** Options as a JavaScript caller (or one copying the openai SDK's spelling) might pass them. */
const connect = (options: unknown) =>
  connectOpenAIEngine(options as OpenAIEngineOptions).catch((error) => error);

describe('connectOpenAIEngine options', () => {
  it("names the openai SDK's baseURL and the option that was meant, before touching the network", async () => {
    const error = await connect({ baseURL: 'http://127.0.0.1:1/v1', model: 'tiny' });
    expect(EngineOptionsError.isInstance(error)).toBe(true);
    expect(error.code).toBe('ENGINE_OPTIONS');
    expect(error.message).toBe(
      'connectOpenAIEngine: unknown option "baseURL" (did you mean "baseUrl"?); it takes baseUrl, model, apiKey, capabilities, contextSize, headers',
    );
  });

  it('suggests the option behind a typo and says nothing when there is none', async () => {
    expect((await connect({ baseUrl: 'http://x/v1', modle: 'tiny' })).message).toContain(
      '(did you mean "model"?)',
    );
    expect((await connect({ baseUrl: 'http://x/v1', model: 'tiny', temperature: 0 })).message).toMatch(
      /unknown option "temperature"; it takes/,
    );
  });

  it('refuses a missing or ill-typed option by name', async () => {
    expect((await connect({ model: 'tiny' })).message).toBe(
      'connectOpenAIEngine: option "baseUrl" (string) is required',
    );
    expect((await connect({ baseUrl: new URL('http://x/v1'), model: 'tiny' })).message).toBe(
      'connectOpenAIEngine: option "baseUrl" must be a string, got an object',
    );
    expect((await connect({ baseUrl: 'http://x/v1', model: 'tiny', headers: ['a'] })).message).toBe(
      'connectOpenAIEngine: option "headers" must be an object, got an array',
    );
    expect(EngineOptionsError.isInstance(await connect(undefined))).toBe(true);
  });
});
