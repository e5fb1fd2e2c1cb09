import { audioResult, defineTool, imageResult, ToolRegistry } from '@hearth/core';
import { tool as langChainTool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromLangChainTool, toLangChainTool } from './langchain-bridge.js';

const multiply = defineTool({
  name: 'multiply',
  description: 'Multiplies two numbers.',
  input: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => String(a * b),
});

describe('LangChain bridge', () => {
  it('turns a Hearth tool into a StructuredTool with its JSON schema', async () => {
    const lc = toLangChainTool(multiply);
    expect(lc.name).toBe('multiply');
    expect(lc.schema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' } },
      required: ['a', 'b'],
    });
    const message = await lc.invoke({
      type: 'tool_call',
      id: 'call-1',
      name: 'multiply',
      args: { a: 6, b: 7 },
    });
    expect(message.content).toBe('42');
    expect(message.tool_call_id).toBe('call-1');
  });

  it('passes images and audio through as base64 blocks with the ToolResult (bytes) as artifact', async () => {
    const snap = defineTool({
      name: 'snap',
      description: 'an image and a sound',
      input: z.object({}),
      run: () => ({
        content: [
          ...imageResult(new Uint8Array([1, 2]), 'image/png').content,
          ...audioResult(new Uint8Array([3, 4]), 'audio/wav').content,
        ],
      }),
    });
    const message = await toLangChainTool(snap).invoke({
      type: 'tool_call',
      id: 'c2',
      name: 'snap',
      args: {},
    });
    expect(message.content).toEqual([
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AQI=' } },
      { type: 'audio', source_type: 'base64', data: 'AwQ=', mime_type: 'audio/wav' },
    ]);
    expect(message.artifact).toEqual({
      content: [
        { type: 'image', bytes: new Uint8Array([1, 2]), mimeType: 'image/png' },
        { type: 'audio', bytes: new Uint8Array([3, 4]), mimeType: 'audio/wav' },
      ],
    });
  });

  it('turns LangChain tools (zod or JSON schema) into Hearth tools', async () => {
    const zodTool = langChainTool(({ text }: { text: string }) => text.toUpperCase(), {
      name: 'shout',
      description: 'Upper-cases text.',
      schema: z.object({ text: z.string() }),
    });
    const jsonTool = langChainTool((input: { n: number }) => `n=${input.n}`, {
      name: 'show',
      description: 'Shows n.',
      schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    });
    const registry = new ToolRegistry([fromLangChainTool(zodTool), fromLangChainTool(jsonTool)]);
    expect((await registry.call('shout', { text: 'hi' })).content).toEqual([{ type: 'text', text: 'HI' }]);
    expect((await registry.call('show', { n: 3 })).content).toEqual([{ type: 'text', text: 'n=3' }]);
    await expect(registry.call('show', { n: 'x' })).rejects.toThrow(/Invalid arguments for tool "show": n/);
    expect(registry.get('show').inputJsonSchema).toMatchObject({ required: ['n'] });
  });
});
