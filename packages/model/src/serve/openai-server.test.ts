import { request as httpRequest } from 'node:http';
import type { Engine } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeLlamaCppEngine } from '../engine/node-llama-cpp/node-llama-cpp-engine.js';
import { ServeConfigError } from '../errors/serve-config-error.js';
import { type OpenAIServer, startOpenAIServer } from './openai-server.js';

const TOKEN = 'test-secret-token';

/** GET /v1/models to 127.0.0.1 with node:http, so the Host header can be forged. */
function rawRequest(target: OpenAIServer, headers: { host: string; authorization?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        path: '/v1/models',
        headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
let engine: Engine;
let server: OpenAIServer;
let client: OpenAI;

beforeAll(async () => {
  engine = await loadNodeLlamaCppEngine({
    model: await makeTestkitModel('tiny'),
    name: 'tiny',
    threads: 1,
    gpu: false,
    contextSize: 2048,
  });
  server = await startOpenAIServer({ engine, port: 0, token: TOKEN, maxBodyBytes: 64 * 1024 });
  client = new OpenAI({ baseURL: server.url, apiKey: TOKEN, maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

describe('hearth serve answers the official openai client', () => {
  it('lists the model with its context length and capabilities', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['tiny']);
    const entry = models.data[0] as unknown as { context_length: number; capabilities: { tools: boolean } };
    expect(entry.context_length).toBe(2048);
    expect(entry.capabilities.tools).toBe(true);
    expect((await client.models.retrieve('tiny')).id).toBe('tiny');
  });

  it('answers a plain completion with usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello!' },
      ],
      max_tokens: 6,
      temperature: 0,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('tiny');
    const choice = completion.choices[0];
    expect(choice?.message.role).toBe('assistant');
    expect(typeof choice?.message.content).toBe('string');
    expect(choice?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(6);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('streams the same text as the plain answer, with usage at the end', async () => {
    const request = {
      model: 'tiny',
      messages: [{ role: 'user' as const, content: 'Tell me a story.' }],
      max_tokens: 10,
      temperature: 0,
    };
    const plain = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(10);
  });

  it('returns a forced tool call whose arguments parse, and takes the result back', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['C', 'F'] } },
            required: ['city', 'unit'],
          },
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Rome?' }];
    const completion = await client.chat.completions.create({
      model: 'tiny',
      messages,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 200,
      temperature: 0,
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as { city: string; unit: string };
    expect(typeof args.city).toBe('string');
    expect(['C', 'F']).toContain(args.unit);

    const followUp = await client.chat.completions.create({
      model: 'tiny',
      messages: [
        ...messages,
        choice?.message as OpenAI.ChatCompletionMessageParam,
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 24}' },
      ],
      tools,
      tool_choice: 'none',
      max_tokens: 5,
      temperature: 0,
    });
    expect(followUp.choices[0]?.message.tool_calls ?? []).toEqual([]);
    expect(['stop', 'length']).toContain(followUp.choices[0]?.finish_reason);
    // The call and its result reach the model: the prompt is longer than the question alone.
    const questionOnly = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 1 });
    expect(followUp.usage?.prompt_tokens).toBeGreaterThan((questionOnly.usage?.prompt_tokens ?? 0) + 10);
  });

  it('streams a tool call in OpenAI delta form', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { ok: { type: 'boolean' } } },
          },
        },
      ],
      tool_choice: 'required',
      max_tokens: 100,
      stream: true,
    });
    const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(calls[0]?.function?.name).toBe('get_weather');
    expect(typeof JSON.parse(calls[0]?.function?.arguments ?? '').ok).toBe('boolean');
  });

  it('constrains output to a response_format JSON schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'A person as JSON' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          schema: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 10 }, adult: { type: 'boolean' } },
            required: ['name', 'adult'],
            additionalProperties: false,
          },
        },
      },
      max_tokens: 100,
      temperature: 0,
    });
    const value = JSON.parse(completion.choices[0]?.message.content ?? '') as {
      name: string;
      adult: boolean;
    };
    expect(typeof value.name).toBe('string');
    expect(typeof value.adult).toBe('boolean');
  });

  it('streams a response_format reply token by token (stream: true)', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'A person as JSON' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          schema: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 30 }, age: { type: 'number' } },
            required: ['name', 'age'],
            additionalProperties: false,
          },
        },
      },
      max_tokens: 100,
      temperature: 0,
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) pieces.push(content);
    }
    expect(pieces.length).toBeGreaterThanOrEqual(5);
    const value = JSON.parse(pieces.join('')) as { name: string; age: number };
    expect(Number.isFinite(value.age)).toBe(true);
  });

  it('refuses an image part for a text-only engine with a 400 naming the problem', async () => {
    const error = await client.chat.completions
      .create({
        model: 'tiny',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/image/);
  });
});

describe('hearth serve refuses bad requests in OpenAI error shape', () => {
  it('401 without the bearer token', async () => {
    const anonymous = new OpenAI({ baseURL: server.url, apiKey: 'wrong', maxRetries: 0 });
    const error = await anonymous.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
  });

  it('404 for a model it does not serve, naming the one it does', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toMatch(/"gpt-4o".*"tiny"/);
  });

  it('400 naming the invalid field', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: -3 }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; type: string; param: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.param).toBe('max_tokens');
    const notJson = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"model": ',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(
      /not valid JSON/,
    );
  });

  it('413 for a body over the limit', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }),
    });
    expect(response.status).toBe(413);
  });

  it('403 for a non-loopback Host header (DNS rebinding)', async () => {
    expect((await rawRequest(server, { host: 'evil.example:80' })).status).toBe(403);
  });

  it('answers a forged network Host (192.0.2.2) only when allowed, and still wants the token', async () => {
    const refused = await rawRequest(server, { host: `192.0.2.2:${server.port}` });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/--allowed-host 192\.0\.2\.2/);
    const open = await startOpenAIServer({ engine, port: 0, token: TOKEN, allowedHosts: ['192.0.2.2'] });
    try {
      const host = `192.0.2.2:${open.port}`;
      expect((await rawRequest(open, { host })).status).toBe(200);
      expect((await rawRequest(open, { host, authorization: 'Bearer wrong-token-0123456789' })).status).toBe(
        401,
      );
      expect((await rawRequest(open, { host: `rebind.evil.example:${open.port}` })).status).toBe(403);
    } finally {
      await open.close();
    }
  });

  it('415 for a text/plain body and 403 for a foreign Origin (what a web page can send cross-site)', async () => {
    const body = JSON.stringify({
      model: 'tiny',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 1,
    });
    const plain = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      body,
    });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: { message: string } }).error.message).toMatch(
      /application\/json/,
    );
    const foreign = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        origin: 'https://evil.example',
      },
      body,
    });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(/Origin/);
  });

  it('refuses a token shorter than 16 characters, saying why', async () => {
    const error = await startOpenAIServer({ engine, port: 0, token: 'x' }).catch((e: unknown) => e);
    expect(ServeConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/1 characters long; use at least 16.*guessed/);
  });

  it('will not bind a non-loopback address without a token', async () => {
    const error = await startOpenAIServer({ engine, host: '0.0.0.0', port: 0 }).catch((e: unknown) => e);
    expect(ServeConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/0\.0\.0\.0 without a bearer token/);
  });
});
