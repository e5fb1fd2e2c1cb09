import { makeTestkitModel } from '@hearth/testkit';
import { describe, expect, it } from 'vitest';
import { startHearth } from './test-support/hearth-binary.js';
import { until } from './test-support/until.js';

const hearth = (args: string[], env: Record<string, string> = {}) => startHearth(args, { env });

describe('hearth serve', () => {
  it('serves a model over the OpenAI API with a token, and stops cleanly on SIGTERM', async () => {
    const model = await makeTestkitModel('tiny');
    const run = hearth(
      [
        'serve',
        '--engine',
        'node-llama-cpp',
        '--model',
        model,
        '--model-id',
        'tiny',
        '--port',
        '0',
        '--threads',
        '1',
        '--context-size',
        '2048',
        '--json',
      ],
      { HEARTH_SERVE_TOKEN: 'cli-secret-0123456789' },
    );
    const info = await until('the --json line', () => {
      try {
        return JSON.parse(run.stdout()) as { url: string; port: number; engine: string; model: string };
      } catch {
        if (run.child.exitCode !== null) throw new Error(`hearth serve exited: ${run.stderr()}`);
        return undefined;
      }
    });
    expect(info).toMatchObject({ engine: 'node-llama-cpp', model: 'tiny', host: '127.0.0.1' });
    expect(info.url).toBe(`http://127.0.0.1:${info.port}/v1`);

    expect((await fetch(`${info.url}/models`)).status).toBe(401);
    const headers = { authorization: 'Bearer cli-secret-0123456789', 'content-type': 'application/json' };
    const models = (await (await fetch(`${info.url}/models`, { headers })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['tiny']);
    const completion = (await (
      await fetch(`${info.url}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 }),
      })
    ).json()) as { choices: { finish_reason: string }[]; usage: { completion_tokens: number } };
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage.completion_tokens).toBe(4);

    run.child.kill('SIGTERM');
    expect((await run.closed).code).toBe(0);
  });

  it('refuses a public address without a token (exit 2) before loading anything', async () => {
    const run = hearth(['serve', '--host', '0.0.0.0', '--model', '/does/not/exist.gguf'], {
      HEARTH_SERVE_TOKEN: '',
    });
    expect((await run.closed).code).toBe(2);
    expect(run.stderr()).toMatch(/0\.0\.0\.0 without a bearer token/);
  });

  it('asks for --base-url with --engine openai (exit 2)', async () => {
    const run = hearth(['serve', '--engine', 'openai', '--model', 'llama3']);
    expect((await run.closed).code).toBe(2);
    expect(run.stderr()).toMatch(/--base-url/);
  });
});
