import { readFile } from 'node:fs/promises';
import { type GenerateRequest, JsonSchemaError } from '@hearth/engine';
import { makeMediaFixtures, makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaInputError } from '../errors/media-input-error.js';
import { innocentPng, mediaAttacks, schemaAttacks } from '../media-check/test-support/hostile-requests.js';
import { HostedEngine } from './hosted-engine.js';

// Issue 10, items 4-6: one request used to kill the model host (SIGABRT/SIGSEGV) and fail every
// request in flight. Each attack runs beside an innocent request, on one host that must survive all.
let engine: HostedEngine;
let hostPid: number;

beforeAll(async () => {
  engine = await HostedEngine.start({
    model: await makeTestkitModel('tiny'),
    mmproj: await makeTestkitModel('tiny-mmproj'),
    threads: 1,
    contextSize: 4096,
  });
  hostPid = engine.hostPid as number;
});
afterAll(async () => {
  await engine?.close();
});

const innocent = (tag: string) =>
  engine.generate({ messages: [{ role: 'user', content: `Say hello to ${tag}.` }], maxTokens: 3 });

async function refusedBeside(bad: GenerateRequest, accept: (error: unknown) => boolean): Promise<void> {
  const attack = engine.generate(bad);
  const beside = innocent('the attack');
  await expect(attack).rejects.toSatisfy(accept);
  expect((await beside).usage.completionTokens).toBeGreaterThan(0);
  expect(engine.hostPid).toBe(hostPid);
}

describe('the model host refuses hostile JSON schemas and keeps serving', () => {
  for (const attack of schemaAttacks) {
    it(`refuses responseFormat with ${attack.name}`, async () => {
      await refusedBeside(
        {
          messages: [{ role: 'user', content: 'Reply in JSON.' }],
          responseFormat: { type: 'json_schema', schema: attack.schema },
          maxTokens: 8,
        },
        (error) => JsonSchemaError.isInstance(error) && attack.refusal.test(error.message),
      );
    });
  }

  it('refuses the same schemas as tool parameters, naming the tool', async () => {
    const [attack] = schemaAttacks;
    await refusedBeside(
      {
        messages: [{ role: 'user', content: 'Call the tool.' }],
        tools: [{ name: 'lookup', description: 'looks up', parameters: attack?.schema ?? {} }],
        toolChoice: 'required',
        maxTokens: 8,
      },
      (error) =>
        JsonSchemaError.isInstance(error) && /^tools\[0\] \(lookup\)\.parameters: /.test(error.message),
    );
  });
});

describe('the model host refuses hostile media and keeps serving', () => {
  for (const attack of mediaAttacks()) {
    it(`refuses ${attack.name}`, async () => {
      const part =
        attack.kind === 'image'
          ? ({ type: 'image', image: attack.bytes } as const)
          : ({ type: 'audio', audio: attack.bytes } as const);
      await refusedBeside(
        {
          messages: [{ role: 'user', content: [part, { type: 'text', text: 'What is this?' }] }],
          maxTokens: 4,
        },
        (error) => MediaInputError.isInstance(error) && attack.refusal.test(error.message),
      );
    });
  }

  it('still takes intact media', async () => {
    const media = await makeMediaFixtures();
    const result = await engine.generate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', image: innocentPng() },
            { type: 'audio', audio: await readFile(media.toneWav) },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
      maxTokens: 3,
    });
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(engine.hostPid).toBe(hostPid);
  });
});

describe('aborting media requests', () => {
  it('aborts 200 image requests with innocent requests between them: none fails, same host', async () => {
    const image = innocentPng();
    const failures: string[] = [];
    let aborted = 0;
    const worker = async (lane: number) => {
      for (let round = 0; round < 50; round++) {
        const controller = new AbortController();
        const media = engine.generate({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', image },
                { type: 'text', text: 'Describe it.' },
              ],
            },
          ],
          maxTokens: 16,
          signal: controller.signal,
        });
        // Cancel at different moments: queued, decoding the image, generating.
        setTimeout(() => controller.abort(), ((round * 4 + lane) * 7) % 60);
        const between = innocent(`lane ${lane} round ${round}`);
        const [cancelled, plain] = await Promise.allSettled([media, between]);
        if (cancelled.status === 'fulfilled') aborted += cancelled.value.finishReason === 'abort' ? 1 : 0;
        else if (controller.signal.aborted && (cancelled.reason as Error).name === 'AbortError') aborted++;
        else failures.push(`media ${lane}/${round}: ${String(cancelled.reason)}`);
        if (plain.status === 'rejected') failures.push(`innocent ${lane}/${round}: ${String(plain.reason)}`);
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));
    expect(failures).toEqual([]);
    expect(aborted).toBeGreaterThan(0);
    expect(engine.hostPid).toBe(hostPid);
  }, 600_000);
});
