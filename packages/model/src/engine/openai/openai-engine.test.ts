import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '@hearth/engine';
import { encodeWav, makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineLoadError } from '../../errors/engine-load-error.js';
import { OpenAIRequestError } from '../../errors/openai-request-error.js';
import { type OpenAIServer, startOpenAIServer } from '../../serve/openai-server.js';
import { loadNodeLlamaCppEngine } from '../node-llama-cpp/node-llama-cpp-engine.js';
import { describeEngineConformance } from '../test-support/engine-conformance.js';
import { connectOpenAIEngine, toOpenAIRequest } from './openai-engine.js';
import { readServerSentEvents } from './sse.js';

const TOKEN = 'conformance-token';
let local: Engine;
let server: OpenAIServer;

beforeAll(async () => {
  local = await loadNodeLlamaCppEngine({
    model: await makeTestkitModel('tiny'),
    name: 'tiny',
    threads: 1,
    gpu: false,
    contextSize: 2048,
  });
  server = await startOpenAIServer({ engine: local, port: 0, token: TOKEN });
});
afterAll(async () => {
  await server?.close();
  await local?.close();
});

// The same checks as every local engine, through HTTP: openai engine -> hearth serve -> node-llama-cpp.
describeEngineConformance(
  'openai engine against hearth serve (node-llama-cpp, tiny)',
  () => connectOpenAIEngine({ baseUrl: server.url, apiKey: TOKEN, model: 'tiny' }),
  { tools: true, jsonSchema: true, image: false, audio: false },
);

describe('openai engine', () => {
  it('reads capabilities and context size from /models', async () => {
    const engine = await connectOpenAIEngine({ baseUrl: server.url, apiKey: TOKEN, model: 'tiny' });
    expect(engine.info).toEqual({
      engine: 'openai',
      model: 'tiny',
      contextSize: 2048,
      capabilities: local.info.capabilities,
    });
  });

  it('fails to connect with EngineLoadError: unknown model, wrong token, no server', async () => {
    const unknown = await connectOpenAIEngine({ baseUrl: server.url, apiKey: TOKEN, model: 'llama' }).catch(
      (e) => e,
    );
    expect(EngineLoadError.isInstance(unknown)).toBe(true);
    expect(unknown.message).toMatch(/does not serve it \(it serves: tiny\)/);

    const wrongToken = await connectOpenAIEngine({
      baseUrl: server.url,
      apiKey: 'nope',
      model: 'tiny',
    }).catch((e) => e);
    expect(EngineLoadError.isInstance(wrongToken)).toBe(true);
    expect(wrongToken.message).toMatch(/401.*bearer token/);
    expect(OpenAIRequestError.isInstance(wrongToken.cause)).toBe(true);

    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const closed = await connectOpenAIEngine({
      baseUrl: `http://127.0.0.1:${freePort}/v1`,
      model: 'x',
    }).catch((e) => e);
    expect(EngineLoadError.isInstance(closed)).toBe(true);
    expect(closed.message).toMatch(/ECONNREFUSED/);
  });

  it('passes server errors on as OpenAIRequestError with status and message', async () => {
    const engine = await connectOpenAIEngine({ baseUrl: server.url, apiKey: TOKEN, model: 'tiny' });
    const error = await engine
      .generate({
        messages: [{ role: 'user', content: 'hi' }],
        maxTokens: 100_000_000,
        stop: Array(20).fill('x'),
      })
      .catch((e) => e);
    expect(OpenAIRequestError.isInstance(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/stop/);
  });

  it('reads a third-party server: tool-call argument fragments, llama.cpp timings, reasoning', async () => {
    // A scripted server speaking the wire format as llama.cpp's server does (split tool arguments).
    const events = [
      {
        choices: [
          { index: 0, delta: { role: 'assistant', reasoning_content: 'think' }, finish_reason: null },
        ],
      },
      {
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: 'c1', type: 'function', function: { name: 'add', arguments: '{"a":' } },
              ],
            },
            finish_reason: null,
          },
        ],
      },
      {
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { arguments: ' 2}' } }] },
            finish_reason: null,
          },
        ],
      },
      {
        choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
        timings: { prompt_ms: 12, predicted_ms: 30, prompt_per_second: 900, predicted_per_second: 100 },
      },
      { choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } },
    ];
    let seenBody: Record<string, unknown> = {};
    const fake = createServer((req, res) => {
      if (req.url === '/v1/models') {
        res.end(JSON.stringify({ data: [{ id: 'm', meta: { n_ctx_train: 4096 } }] }));
        return;
      }
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        seenBody = JSON.parse(raw);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of events) res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
        res.end('data: [DONE]\n\n');
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const port = (fake.address() as AddressInfo).port;
      const engine = await connectOpenAIEngine({ baseUrl: `http://127.0.0.1:${port}/v1/`, model: 'm' });
      expect(engine.info.contextSize).toBe(4096);
      expect(engine.info.capabilities.image).toBe(false);
      const result = await engine.generate({
        messages: [{ role: 'user', content: 'add' }],
        tools: [{ name: 'add', description: 'adds', parameters: { type: 'object' } }],
        sampling: { greedy: true },
        thinking: true,
      });
      expect(result.toolCalls).toEqual([{ id: 'c1', name: 'add', args: { a: 2 } }]);
      expect(result.finishReason).toBe('tool_calls');
      expect(result.reasoning).toBe('think');
      expect(result.usage).toEqual({ promptTokens: 11, completionTokens: 7 });
      expect(result.timings).toEqual({
        prefillMs: 12,
        decodeMs: 30,
        prefillTokensPerSecond: 900,
        decodeTokensPerSecond: 100,
      });
      expect(seenBody.temperature).toBe(0);
      expect(seenBody.stream).toBe(true);
      expect(seenBody).not.toHaveProperty('top_k');
      expect(seenBody.chat_template_kwargs).toEqual({ enable_thinking: true });
    } finally {
      fake.close();
    }
  });
});

describe('toOpenAIRequest', () => {
  it('writes media as image_url / input_audio parts and tool media as a following user message', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
      'base64',
    );
    // Media pass the same check as on every engine, so the clip must be a real one (0.2 s of silence).
    const wav = encodeWav({ sampleRate: 16000, samples: new Float32Array(3200) });
    const body = await toOpenAIRequest('m', {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', image: png },
            { type: 'audio', audio: wav },
          ],
        },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'shot', args: { url: 'x' } }] },
        {
          role: 'tool',
          toolCallId: 't1',
          name: 'shot',
          content: [
            { type: 'text', text: 'done' },
            { type: 'image', image: png },
          ],
        },
      ],
      responseFormat: { type: 'json_schema', schema: { type: 'object' } },
      maxTokens: 9,
      stop: ['\n'],
    });
    expect(body.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
        { type: 'input_audio', input_audio: { data: wav.toString('base64'), format: 'wav' } },
      ],
    });
    expect(body.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 't1', type: 'function', function: { name: 'shot', arguments: '{"url":"x"}' } }],
    });
    expect(body.messages[2]).toEqual({ role: 'tool', tool_call_id: 't1', name: 'shot', content: 'done' });
    expect(body.messages[3]?.role).toBe('user');
    expect(JSON.stringify(body.messages[3])).toContain('image_url');
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object' }, strict: true },
    });
    expect(body.max_tokens).toBe(9);
  });
});

describe('readServerSentEvents', () => {
  it('joins multi-line data, skips comments, handles split chunks and CRLF', async () => {
    const parts = [
      ': keep-alive\n\ndata: {"a"',
      ':1}\r\n\r\ndata: line1\ndata: line2\n\nevent: x\ndata: last',
    ];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    const events: string[] = [];
    for await (const data of readServerSentEvents(body)) events.push(data);
    expect(events).toEqual(['{"a":1}', 'line1\nline2', 'last']);
  });
});
