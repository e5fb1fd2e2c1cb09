import { readFile } from 'node:fs/promises';
import type { Engine } from '@hearth/engine';
import { type MediaFixtures, makeMediaFixtures, makeTestkitModel } from '@hearth/testkit';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HostedEngine } from '../host/hosted-engine.js';
import { ChatHearth } from './chat-hearth.js';
import { toHearthMessages } from './messages.js';

describe('toHearthMessages', () => {
  it('reads media blocks in all three LangChain spellings', () => {
    const [message] = toHearthMessages([
      new HumanMessage({
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } },
          { type: 'image', source_type: 'base64', data: 'BBBB', mime_type: 'image/jpeg' },
          { type: 'audio', data: 'CCCC', mimeType: 'audio/mpeg' },
          { type: 'image', url: '/tmp/shot.png' },
        ] as never,
      }),
    ]);
    expect(message).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image', image: 'data:image/png;base64,AAAA' },
        { type: 'audio', audio: 'data:audio/wav;base64,UklG', mimeType: 'audio/wav' },
        { type: 'image', image: 'data:image/jpeg;base64,BBBB', mimeType: 'image/jpeg' },
        { type: 'audio', audio: 'data:audio/mpeg;base64,CCCC', mimeType: 'audio/mpeg' },
        { type: 'image', image: '/tmp/shot.png', mimeType: 'image/png' },
      ],
    });
  });

  it('keeps tool-call ids, names tool results after their call, and flattens text-only blocks', () => {
    const messages = toHearthMessages([
      new SystemMessage('sys'),
      new AIMessage({
        content: [
          { type: 'text', text: 'calling' },
          { type: 'tool_use', id: 't1', name: 'add', input: { a: 1 } },
        ],
        tool_calls: [{ id: 't1', name: 'add', args: { a: 1 }, type: 'tool_call' }],
      }),
      new ToolMessage({ tool_call_id: 't1', content: [{ type: 'text', text: '2' }] }),
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'assistant', content: 'calling', toolCalls: [{ id: 't1', name: 'add', args: { a: 1 } }] },
      { role: 'tool', toolCallId: 't1', name: 'add', content: '2' },
    ]);
  });

  it('refuses blocks it cannot pass on, saying where and what is accepted', () => {
    expect(() =>
      toHearthMessages([
        new HumanMessage({ content: [{ type: 'file', data: 'x', mime_type: 'text/plain' }] as never }),
      ]),
    ).toThrow(/messages\[0\]\.content\[0\].*"file".*image/);
    expect(() =>
      toHearthMessages([
        new SystemMessage({ content: [{ type: 'image_url', image_url: { url: 'data:,' } }] as never }),
      ]),
    ).toThrow(/messages\[0\]: image content is only accepted in human and tool messages/);
  });
});

describe('ChatHearth on llama-node (tiny + tiny-mmproj)', () => {
  let engine: Engine;
  let media: MediaFixtures;
  beforeAll(async () => {
    [engine, media] = await Promise.all([
      (async () =>
        HostedEngine.start({
          model: await makeTestkitModel('tiny'),
          mmproj: await makeTestkitModel('tiny-mmproj'),
          name: 'tiny',
          threads: 1,
        }))(),
      makeMediaFixtures(),
    ]);
  });
  afterAll(async () => {
    await engine?.close();
  });

  // LangChain's testStandardImageContentBlocks / testStandardAudioContentBlocks ("base64" and "dataUrl").
  it('takes base64 and data-URL image and audio blocks, and counts their tokens', async () => {
    const model = new ChatHearth({ engine, temperature: 0, maxTokens: 8 });
    const png = (await readFile(media.patternPng)).toString('base64');
    const wav = (await readFile(media.toneWav)).toString('base64');
    const textOnly = await model.invoke([new HumanMessage('Describe it.')]);
    const blocks = [
      { type: 'image', source_type: 'base64', data: png, mime_type: 'image/png' },
      { type: 'image', source_type: 'url', url: `data:image/png;base64,${png}` },
      { type: 'audio', source_type: 'base64', data: wav, mime_type: 'audio/wav' },
      { type: 'audio', source_type: 'url', url: `data:audio/wav;base64,${wav}`, mime_type: 'audio/wav' },
    ];
    for (const block of blocks) {
      const result = await model.invoke([
        new HumanMessage({ content: [{ type: 'text', text: 'Describe it.' }, block] as never }),
      ]);
      expect(result.text).not.toBe('');
      expect(result.usage_metadata?.input_tokens).toBeGreaterThan(
        (textOnly.usage_metadata?.input_tokens ?? 0) + 10,
      );
    }
  });

  it('withStructuredOutput method jsonSchema: the reply text is the JSON, validated by zod', async () => {
    const schema = z.object({ ok: z.boolean(), colour: z.enum(['red', 'green']) });
    const structured = new ChatHearth({ engine, temperature: 0, maxTokens: 100 }).withStructuredOutput(
      schema,
      {
        method: 'jsonSchema',
        name: 'verdict',
        includeRaw: true,
      },
    );
    const { raw, parsed } = await structured.invoke('Give a verdict.');
    expect(schema.parse(parsed)).toEqual(parsed);
    expect(JSON.parse(raw.text)).toEqual(parsed);
    expect((raw as AIMessage).tool_calls ?? []).toEqual([]);
  });

  // The issue this guards: tiny ended forced calls with finish 'length' and no call, and numbers came
  // back as Infinity. The grammar guarantees the structure, so every seed must parse.
  it('withStructuredOutput works by default and with jsonSchema on tiny, numbers finite, on 8 seeds', async () => {
    const person = z.object({
      name: z.string(),
      age: z.number(),
      score: z.number(),
      tags: z.array(z.string()),
    });
    for (const method of ['functionCalling', 'jsonSchema'] as const) {
      for (let seed = 1; seed <= 8; seed++) {
        const model = new ChatHearth({ engine, temperature: 1, seed });
        const result = await model.withStructuredOutput(person, { method }).invoke('Who is Ada?');
        expect(Number.isFinite(result.age) && Number.isFinite(result.score), `${method} seed ${seed}`).toBe(
          true,
        );
      }
    }
  });

  it('streams a JSON reply as many chunks', async () => {
    const model = new ChatHearth({ engine, temperature: 0, maxTokens: 120 });
    const schema = {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 40 }, days: { type: 'integer' } },
      required: ['city', 'days'],
    };
    const chunks: string[] = [];
    for await (const chunk of await model.stream('Plan a trip.', {
      response_format: { type: 'json_schema', schema, name: 'trip' },
    })) {
      if (typeof chunk.content === 'string' && chunk.content) chunks.push(chunk.content);
    }
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(JSON.parse(chunks.join('')))).toEqual(['city', 'days']);
  });

  it('withStructuredOutput takes a plain JSON Schema too', async () => {
    const structured = new ChatHearth({ engine, temperature: 0, maxTokens: 100 }).withStructuredOutput({
      title: 'flag',
      type: 'object',
      properties: { on: { type: 'boolean' } },
      required: ['on'],
    });
    const result = await structured.invoke('Flag?');
    expect(typeof result.on).toBe('boolean');
  });

  it('tool_choice naming one tool makes that tool the call', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'a_tool',
          description: 'A',
          parameters: { type: 'object', properties: { x: { type: 'boolean' } }, required: ['x'] },
        },
      },
      {
        type: 'function',
        function: {
          name: 'b_tool',
          description: 'B',
          parameters: { type: 'object', properties: { y: { type: 'boolean' } }, required: ['y'] },
        },
      },
    ];
    const model = new ChatHearth({ engine, temperature: 0, maxTokens: 100 });
    for (const name of ['a_tool', 'b_tool']) {
      const result = await model.bindTools(tools, { tool_choice: name }).invoke('Use a tool.');
      expect(result.tool_calls?.map((call) => call.name)).toEqual([name]);
    }
    await expect(model.bindTools(tools, { tool_choice: 'c_tool' }).invoke('x')).rejects.toThrow(
      /"c_tool".*not among the bound tools/,
    );
  });

  it('reports MTP and timings in response_metadata', async () => {
    const result = await new ChatHearth({ engine, temperature: 0, maxTokens: 4 }).invoke('Hi');
    expect(result.response_metadata.model).toBe('tiny');
    expect(result.response_metadata.finish_reason).toBe('length');
    expect(result.response_metadata.mtp).toBeNull();
    expect(
      typeof (result.response_metadata.timings as { decodeTokensPerSecond: number }).decodeTokensPerSecond,
    ).toBe('number');
  });
});
