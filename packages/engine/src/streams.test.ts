import { describe, expect, it } from 'vitest';
import type { GenerateDelta, GenerateResult } from './engine.js';
import { IncompleteStreamError, readStreamResult, streamGeneration } from './streams.js';

const result: GenerateResult = {
  text: 'ab',
  toolCalls: [],
  finishReason: 'stop',
  usage: { promptTokens: 1, completionTokens: 2 },
  timings: { prefillMs: 1, decodeMs: 1, prefillTokensPerSecond: 1, decodeTokensPerSecond: 2 },
  mtp: null,
  model: 'm',
};

describe('streamGeneration and readStreamResult', () => {
  it('streams the deltas, ends with done, and reads back to the result with each text piece', async () => {
    const deltas = streamGeneration({ messages: [] }, async (_request, onDelta) => {
      onDelta({ type: 'text', text: 'a' });
      onDelta({ type: 'text', text: 'b' });
      return result;
    });
    const texts: string[] = [];
    expect(await readStreamResult(deltas, 'test', (text) => texts.push(text))).toBe(result);
    expect(texts).toEqual(['a', 'b']);
  });

  it('aborts the generation when the consumer stops early', async () => {
    let aborted = false;
    const deltas = streamGeneration({ messages: [] }, (request, onDelta) => {
      onDelta({ type: 'text', text: 'a' });
      return new Promise<undefined>((resolve) =>
        request.signal?.addEventListener('abort', () => {
          aborted = true;
          resolve(undefined);
        }),
      );
    });
    for await (const delta of deltas) if (delta.type === 'text') break;
    expect(aborted).toBe(true);
  });

  it('says which engine ended without a result, and passes a generation error on', async () => {
    const noDone = streamGeneration({ messages: [] }, async () => undefined);
    const error = await readStreamResult(noDone, 'flaky').catch((caught: unknown) => caught);
    expect(IncompleteStreamError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('flaky');
    const failing: AsyncIterable<GenerateDelta> = streamGeneration({ messages: [] }, async () => {
      throw new Error('native failure');
    });
    await expect(readStreamResult(failing, 'x')).rejects.toThrow('native failure');
  });
});
