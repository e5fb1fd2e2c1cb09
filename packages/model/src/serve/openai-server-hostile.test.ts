import { makeTestkitModel } from '@hearth/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostedEngine } from '../host/hosted-engine.js';
import { mediaAttacks, schemaAttacks } from '../media-check/test-support/hostile-requests.js';
import { type OpenAIServer, startOpenAIServer } from './openai-server.js';

// Issue 10, items 4 and 5, from outside: the official openai client against `hearth serve` over the
// model host. Each hostile request gets a 400 naming the problem, the request beside it succeeds,
// and the host process is the same one at the end.
let engine: HostedEngine;
let server: OpenAIServer;
let client: OpenAI;
let hostPid: number;

beforeAll(async () => {
  engine = await HostedEngine.start({
    model: await makeTestkitModel('tiny'),
    mmproj: await makeTestkitModel('tiny-mmproj'),
    name: 'tiny',
    threads: 1,
    contextSize: 4096,
  });
  hostPid = engine.hostPid as number;
  server = await startOpenAIServer({ engine, port: 0 });
  client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

async function refusedBeside(
  bad: OpenAI.ChatCompletionCreateParamsNonStreaming,
  expected: { message: RegExp; param: string | RegExp },
): Promise<void> {
  const attack = client.chat.completions.create(bad);
  const beside = client.chat.completions.create({
    model: 'tiny',
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_tokens: 3,
  });
  const error = await attack.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  const refusal = error as InstanceType<typeof OpenAI.BadRequestError>;
  expect(refusal.status).toBe(400);
  expect(refusal.message).toMatch(expected.message);
  expect(refusal.param ?? '').toMatch(expected.param);
  expect((await beside).choices[0]?.message.content).toEqual(expect.any(String));
  expect(engine.hostPid).toBe(hostPid);
}

describe('hearth serve answers hostile JSON schemas with 400 and keeps serving', () => {
  for (const attack of schemaAttacks) {
    it(`response_format with ${attack.name}`, async () => {
      await refusedBeside(
        {
          model: 'tiny',
          messages: [{ role: 'user', content: 'Reply in JSON.' }],
          response_format: { type: 'json_schema', json_schema: { name: 'reply', schema: attack.schema } },
          max_tokens: 8,
        },
        { message: attack.refusal, param: 'response_format.json_schema.schema' },
      );
    });
  }

  it('tool parameters with $ref "#"', async () => {
    await refusedBeside(
      {
        model: 'tiny',
        messages: [{ role: 'user', content: 'Call it.' }],
        tools: [
          { type: 'function', function: { name: 'lookup', parameters: schemaAttacks[0]?.schema ?? {} } },
        ],
        tool_choice: 'required',
        max_tokens: 8,
      },
      {
        message: /tools\[0\] \(lookup\)\.parameters: properties\.next\.\$ref/,
        param: 'tools[0].function.parameters',
      },
    );
  });
});

describe('hearth serve answers hostile media with 400 and keeps serving', () => {
  for (const attack of mediaAttacks()) {
    it(`${attack.kind}: ${attack.name}`, async () => {
      const base64 = attack.bytes.toString('base64');
      const part: OpenAI.ChatCompletionContentPart =
        attack.kind === 'image'
          ? { type: 'image_url', image_url: { url: `data:image/${attack.format};base64,${base64}` } }
          : { type: 'input_audio', input_audio: { data: base64, format: attack.format as 'wav' | 'mp3' } };
      await refusedBeside(
        {
          model: 'tiny',
          messages: [
            { role: 'user', content: 'Look.' },
            { role: 'user', content: [{ type: 'text', text: 'What is this?' }, part] },
          ],
          max_tokens: 4,
        },
        { message: attack.refusal, param: /^messages\[1\]\.content\[1\]$|^$/ },
      );
    });
  }
});
