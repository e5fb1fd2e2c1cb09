import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuplicateToolError } from '../errors/duplicate-tool-error.js';
import { InvalidToolError } from '../errors/invalid-tool-error.js';
import { ToolInputError } from '../errors/tool-input-error.js';
import { ToolNotFoundError } from '../errors/tool-not-found-error.js';
import { ToolTimeoutError } from '../errors/tool-timeout-error.js';
import { hangTool, slowTool } from '../testing/fixture-tools.js';
import {
  audioResult,
  defineTool,
  imageResult,
  isToolDefinition,
  normalizeToolOutput,
} from './define-tool.js';
import { ToolRegistry } from './tool-registry.js';
import { toolResultToMessageContent, toolSpecFromDefinition } from './tool-schema.js';

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  input: z.object({ a: z.number().describe('first'), b: z.number() }),
  output: z.object({ sum: z.number() }),
  run: ({ a, b }) => ({ sum: a + b }),
});

describe('defineTool', () => {
  it('marks definitions and rejects malformed ones with specific messages', () => {
    expect(isToolDefinition(add)).toBe(true);
    expect(isToolDefinition({ ...add })).toBe(false);
    expect(() => defineTool({ ...add, name: 'bad name!' })).toThrow(/Tool name "bad name!" is invalid/);
    expect(() => defineTool({ ...add, description: ' ' })).toThrow(/non-empty description/);
    expect(() => defineTool({ ...add, input: { type: 'object' } as never })).toThrow(/must be a zod schema/);
    expect(() => defineTool({ ...add, timeoutMs: -1 })).toThrow(InvalidToolError);
  });

  it('normalises strings, JSON and ToolResults', () => {
    expect(normalizeToolOutput('hi')).toEqual({ content: [{ type: 'text', text: 'hi' }] });
    expect(normalizeToolOutput({ x: 1 })).toEqual({
      content: [{ type: 'text', text: '{\n  "x": 1\n}' }],
      structuredContent: { x: 1 },
    });
    expect(normalizeToolOutput([1, 2]).structuredContent).toBeUndefined();
    const image = imageResult(new Uint8Array([1, 2, 3]), 'image/png');
    expect(normalizeToolOutput(image)).toBe(image);
  });
});

describe('toolSpecFromDefinition and toolResultToMessageContent', () => {
  it('gives the Engine a JSON Schema for the arguments', () => {
    expect(toolSpecFromDefinition(add)).toEqual({
      name: 'add',
      description: 'Adds two numbers.',
      parameters: {
        type: 'object',
        properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
    });
  });

  it('turns media results into media parts the model sees: the same bytes and MIME type', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const wav = Buffer.from('RIFF....WAVE');
    const parts = toolResultToMessageContent({
      content: [
        { type: 'text', text: 'shot' },
        ...imageResult(png, 'image/png').content,
        ...audioResult(wav, 'audio/wav').content,
        { type: 'resource', resource: { uri: 'x://y', text: 'body' } },
        { type: 'resource', resource: { uri: 'x://z', mimeType: 'image/webp', bytes: png } },
      ],
    });
    expect(parts).toEqual([
      { type: 'text', text: 'shot' },
      { type: 'image', image: png, mimeType: 'image/png' },
      { type: 'audio', audio: new Uint8Array(wav), mimeType: 'audio/wav' },
      { type: 'text', text: '[x://y]\nbody' },
      { type: 'image', image: png, mimeType: 'image/webp' },
    ]);
    // A Buffer becomes a plain Uint8Array over the same memory (what checkpoints round-trip), not a copy.
    const audio = parts[2] as { audio: Uint8Array };
    expect(audio.audio.constructor).toBe(Uint8Array);
    expect(audio.audio.buffer).toBe(wav.buffer);
  });
});

describe('ToolRegistry', () => {
  it('registers, lists, refuses duplicates and names known tools for unknown ones', async () => {
    const registry = new ToolRegistry([add]);
    expect(registry.list().map((t) => t.name)).toEqual(['add']);
    expect(() => registry.register(add)).toThrow(DuplicateToolError);
    await expect(registry.call('nope', {})).rejects.toThrow(/Unknown tool "nope". Known tools: add/);
    await expect(registry.call('nope', {})).rejects.toSatisfy((error) => ToolNotFoundError.isInstance(error));
  });

  it('validates arguments and names the bad field', async () => {
    const registry = new ToolRegistry([add]);
    expect((await registry.call('add', { a: 2, b: 3 })).structuredContent).toEqual({ sum: 5 });
    const error = await registry.call('add', { a: 'x', b: 3 }).catch((e: unknown) => e);
    expect(ToolInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/a: .*expected number/);
  });

  it('turns a thrown error into an isError result, and checks declared output', async () => {
    const failing = defineTool({
      name: 'fail',
      description: 'fails',
      input: z.object({}),
      run: () => {
        throw new Error('disk full');
      },
    });
    const lying = defineTool({ ...add, name: 'lying', run: () => ({ sum: 'five' }) });
    const registry = new ToolRegistry([failing, lying]);
    expect(await registry.call('fail', {})).toEqual({
      content: [{ type: 'text', text: 'disk full' }],
      isError: true,
    });
    const result = await registry.call('lying', { a: 1, b: 2 });
    expect(result.isError).toBe(true);
    expect(result.content[0]).toMatchObject({
      text: expect.stringMatching(/does not match its output schema: sum/),
    });
  });

  it('reports progress, enforces time limits and aborts the tool', async () => {
    const registry = new ToolRegistry([slowTool, hangTool]);
    const progress: number[] = [];
    await registry.call('slow', { steps: 3 }, { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([1, 2, 3]);

    const before = hangTool.aborts ?? 0;
    const timeout = await registry.call('hang', {}, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(ToolTimeoutError.isInstance(timeout)).toBe(true);
    expect(hangTool.aborts).toBe(before + 1);

    const controller = new AbortController();
    const call = registry.call('hang', {}, { signal: controller.signal });
    controller.abort(new Error('user cancelled'));
    await expect(call).rejects.toThrow('user cancelled');
    expect(hangTool.aborts).toBe(before + 2);
  });
});
