import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgufValidationError } from '@hearth/gguf';
import { makeMediaFixtures, makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeEngineConformance,
  multimodalCapabilities,
} from '../engine/test-support/engine-conformance.js';
import { EngineCapabilityError } from '../errors/engine-capability-error.js';
import { MediaInputError } from '../errors/media-input-error.js';
import { ModelCrashedError } from '../errors/model-crashed-error.js';
import { ModelSetMismatchError } from '../errors/model-set-mismatch-error.js';
import { HostedEngine, nativeReason } from './hosted-engine.js';
import { deserializeError, serializeError } from './protocol.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeEngineConformance(
  'llama-node in the model host (tiny + tiny-mmproj)',
  async () =>
    HostedEngine.start({
      model: await makeTestkitModel('tiny'),
      mmproj: await makeTestkitModel('tiny-mmproj'),
      threads: 1,
    }),
  multimodalCapabilities,
);

describe('HostedEngine: crash isolation and file validation', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-host-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('turns a native crash into ModelCrashedError, then starts a fresh host', async () => {
    // The cycle model never ends its turn, so the host is surely mid-generation when it is killed: the
    // kill comes with the first streamed token, not after a guessed delay.
    const engine = await HostedEngine.start({ model: await makeTestkitModel('cycle'), threads: 1 });
    try {
      // Media and schemas that crashed llama.cpp are refused before the host sees them now (see
      // "hostile requests" below), so the crash here is the signal a native bug delivers.
      const firstPid = engine.hostPid as number;
      let killed = false;
      const error = await (async () => {
        for await (const delta of engine.stream({
          messages: [{ role: 'user', content: 'abc' }],
          maxTokens: 100_000,
          sampling: { greedy: true },
        })) {
          if (delta.type === 'text' && !killed) {
            killed = true;
            process.kill(firstPid, 'SIGSEGV');
          }
        }
      })().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(ModelCrashedError.isInstance(error)).toBe(true);
      if (!ModelCrashedError.isInstance(error)) throw error;
      expect(error.signal).toBe('SIGSEGV');
      expect(error.message).toMatch(/killed by SIGSEGV while generating/);

      const after = await engine.generate({
        messages: [{ role: 'user', content: 'Still there?' }],
        maxTokens: 3,
      });
      expect(after.usage.completionTokens).toBeGreaterThan(0);
      expect(engine.hostPid).not.toBe(firstPid);
    } finally {
      await engine.close();
    }
  });

  it('refuses a non-GGUF file by name before starting any process', async () => {
    const notGguf = join(dir, 'notes.gguf');
    await writeFile(notGguf, 'just some text, not a model\n'.repeat(10));
    const start = HostedEngine.start({ model: notGguf, threads: 1 });
    await expect(start).rejects.toSatisfy(
      (error) => GgufValidationError.isInstance(error) && error.message.includes(notGguf),
    );
  });

  it('refuses a drafter that does not match the target, naming the drafter', async () => {
    const target = await makeTestkitModel('cycle', { hiddenSize: 128 });
    const drafter = await makeTestkitModel('tiny-assistant');
    const start = HostedEngine.start({ model: target, drafter, threads: 1 });
    await expect(start).rejects.toSatisfy(
      (error) => ModelSetMismatchError.isInstance(error) && error.message.includes(drafter),
    );
  });

  it('keeps typed errors typed across the process boundary', async () => {
    // No projector: the host (not this process) refuses the image, with EngineCapabilityError.
    const engine = await HostedEngine.start({ model: await makeTestkitModel('tiny'), threads: 1 });
    try {
      const png = await readFile((await makeMediaFixtures()).patternPng);
      const call = engine.generate({
        messages: [{ role: 'user', content: [{ type: 'image', image: png }] }],
        maxTokens: 2,
      });
      await expect(call).rejects.toSatisfy(
        (error) => EngineCapabilityError.isInstance(error) && /image/.test(error.message),
      );
    } finally {
      await engine.close();
    }
  });

  it('lets the parent exit when idle without close(), and the host then exits too', async () => {
    const script = join(dir, 'forgets-close.mts');
    const engineModule = new URL('./hosted-engine.ts', import.meta.url).href;
    await writeFile(
      script,
      `import { HostedEngine } from ${JSON.stringify(engineModule)};\n` +
        `const engine = await HostedEngine.start({ model: ${JSON.stringify(await makeTestkitModel('tiny'))}, threads: 1 });\n` +
        "const result = await engine.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 2 });\n" +
        'console.log(JSON.stringify({ hostPid: engine.hostPid, tokens: result.usage.completionTokens }));\n',
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    const { hostPid, tokens } = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
      hostPid: number;
      tokens: number;
    };
    expect(tokens).toBeGreaterThan(0);
    await expect.poll(() => isRunning(hostPid), { timeout: 10_000 }).toBe(false);
  });

  it("picks llama.cpp's last words out of its stderr chatter", () => {
    const stderr = [
      'print_info: file format = GGUF V3 (latest)',
      'load_tensors: loading model tensors, this can take a while... (load_mode = mmap)',
      '[INFO] queue_request:199 Queuing request 1 with 20 prompt tokens',
      'llama_context: n_ctx_seq (4096) < n_ctx_train (8192) -- the full capacity of the model will not be utilized',
      'llama_model_load: error loading model: missing tensor blk.0.attn_q.weight',
      'mtmd_helper_bitmap_init_from_buf: failed to decode buffer as either image/audio/video',
      "terminate called after throwing an instance of 'std::runtime_error'",
      '  what():  Failed to load base64 media',
      '',
    ].join('\n');
    expect(nativeReason(stderr)).toBe(
      'llama_model_load: error loading model: missing tensor blk.0.attn_q.weight | ' +
        "mtmd_helper_bitmap_init_from_buf: failed to decode buffer as either image/audio/video | terminate called after throwing an instance of 'std::runtime_error' | what():  Failed to load base64 media",
    );
    expect(nativeReason('print_info: nothing wrong\n[INFO] fine\n')).toBe('');
  });

  it('serializes errors with their fields and markers', () => {
    const original = new MediaInputError('x is not an image', { hint: 'use a PNG' });
    const copy = deserializeError(structuredClone(serializeError(original)));
    expect(MediaInputError.isInstance(copy)).toBe(true);
    expect(copy.name).toBe('MediaInputError');
    expect(copy.message).toBe(original.message);
    expect((copy as unknown as { code: string }).code).toBe('MEDIA_INPUT');
    expect(ModelCrashedError.isInstance(copy)).toBe(false);
  });
});
