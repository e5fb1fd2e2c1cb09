import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerateDelta } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import {
  describeEngineConformance,
  multimodalCapabilities,
} from '../engine/test-support/engine-conformance.js';
import { EngineBuildError } from '../errors/engine-build-error.js';
import { EngineNotBuiltError } from '../errors/engine-not-built-error.js';
import { ModelCrashedError } from '../errors/model-crashed-error.js';
import { buildNativeEngine, findNativeBuild } from './build-native-engine.js';
import { NativeEngine } from './native-engine.js';

/** Alive and not a zombie (a killed orphan may wait a while for init to reap it). */
function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

// The native engine needs llama.cpp built for this machine (`hearth engine build`; scripts/setup.sh
// runs it, so CI has it). Without a cached build these tests are skipped, never faked.
const build = await findNativeBuild();
const skipReason = 'no native build is cached: run `npm run hearth -- engine build` (scripts/setup.sh does)';
if (!build) console.warn(`native engine tests skipped: ${skipReason}`);

describe.skipIf(!build)('native engine (llama.cpp built for this machine)', () => {
  describeEngineConformance(
    'native on tiny + tiny-mmproj',
    async () =>
      NativeEngine.start({
        model: await makeTestkitModel('tiny'),
        mmproj: await makeTestkitModel('tiny-mmproj'),
        threads: 1,
      }),
    multimodalCapabilities,
  );

  it('decodes the same text with MTP as without, and reports accepted drafts', async () => {
    const files = { model: await makeTestkitModel('cycle'), threads: 1 };
    const request = {
      messages: [{ role: 'user' as const, content: 'abc' }],
      maxTokens: 48,
      sampling: { greedy: true },
    };
    const plain = await NativeEngine.start(files);
    const withMtp = await NativeEngine.start({
      ...files,
      drafter: await makeTestkitModel('cycle-assistant'),
    });
    try {
      const [without, drafted] = [await plain.generate(request), await withMtp.generate(request)];
      expect(without.mtp).toBeNull();
      expect(drafted.text).toBe(without.text);
      expect(drafted.text.length).toBeGreaterThan(10);
      if (!drafted.mtp?.used) throw new Error('MTP must be used when a drafter is loaded');
      expect(drafted.mtp.drafted).toBeGreaterThan(0);
      expect(drafted.mtp.accepted).toBeGreaterThan(0);
      // The prompt is counted once: verification batches are not prefill.
      expect(drafted.usage.promptTokens).toBe(without.usage.promptTokens);
    } finally {
      await plain.close();
      await withMtp.close();
    }
  });

  it("renders Gemma 4's thinking switch into the prompt when a request asks for thinking", async () => {
    const engine = await NativeEngine.start({ model: await makeTestkitModel('tiny'), threads: 1 });
    try {
      const request = { messages: [{ role: 'user' as const, content: 'Hi' }], maxTokens: 1 };
      const plain = await engine.generate({ ...request, thinking: false });
      const thinking = await engine.generate({ ...request, thinking: true });
      expect(thinking.usage.promptTokens).toBeGreaterThan(plain.usage.promptTokens);
    } finally {
      await engine.close();
    }
  });

  it('reuses the cached prefix of a growing conversation', async () => {
    const engine = await NativeEngine.start({ model: await makeTestkitModel('tiny'), threads: 1 });
    try {
      const first = [{ role: 'user' as const, content: 'Tell me about the sea and the sky, please.' }];
      const reply = await engine.generate({ messages: first, maxTokens: 4, sampling: { greedy: true } });
      const next = await engine.generate({
        messages: [...first, { role: 'assistant', content: reply.text }, { role: 'user', content: 'More.' }],
        maxTokens: 4,
        sampling: { greedy: true },
      });
      expect(next.usage.cachedPromptTokens).toBeGreaterThan(10);
      expect(next.usage.cachedPromptTokens).toBeLessThan(next.usage.promptTokens);
    } finally {
      await engine.close();
    }
  });

  it('turns a dead server into ModelCrashedError, then serves the next call from a fresh one', async () => {
    const engine = await NativeEngine.start({ model: await makeTestkitModel('tiny'), threads: 1 });
    try {
      const deltas: GenerateDelta[] = [];
      const streaming = (async () => {
        for await (const delta of engine.stream({
          messages: [{ role: 'user', content: 'Hello' }],
          maxTokens: 4000,
          sampling: { greedy: true },
        })) {
          deltas.push(delta);
          if (deltas.length === 1) {
            // This test process's llama-server children; only this engine's is running generation.
            const pids = spawnSync('pgrep', ['-P', String(process.pid), 'llama-server'], { encoding: 'utf8' })
              .stdout.trim()
              .split('\n')
              .filter(Boolean);
            for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
          }
        }
      })();
      const error = await streaming.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ModelCrashedError);
      expect((error as ModelCrashedError).signal).toBe('SIGKILL');
      const after = await engine.generate({
        messages: [{ role: 'user', content: 'Hi' }],
        maxTokens: 3,
        sampling: { greedy: true },
      });
      expect(after.usage.completionTokens).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });

  it('takes its llama-server down with it when the program using it is killed', async () => {
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./test-support/hold-native-engine.ts', import.meta.url)),
        await makeTestkitModel('tiny'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      holder.on('exit', () => reject(new Error('the holder exited before it was ready')));
    });
    const children = () =>
      spawnSync('pgrep', ['-P', String(holder.pid), 'llama-server'], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .map(Number);
    const [server] = children();
    if (!server) throw new Error('the holder runs no llama-server');
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('exit', resolve));
    // The kernel delivers the parent-death signal at once; give the server a moment to be reaped.
    for (let wait = 0; wait < 50 && isRunning(server); wait++) await new Promise((r) => setTimeout(r, 100));
    expect(isRunning(server)).toBe(false);
  });

  it('is the default engine of createEngine while a build is cached', async () => {
    const engine = await createEngine({ model: await makeTestkitModel('tiny'), threads: 1 });
    try {
      expect(engine.info.engine).toBe('native');
    } finally {
      await engine.close();
    }
  });
});

describe('native engine without a build', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'hearth-native-home-'));
    vi.stubEnv('HEARTH_HOME', home);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(home, { recursive: true, force: true });
  });

  it('refuses engine: native with the command that builds it', async () => {
    const error = await createEngine({ engine: 'native', model: await makeTestkitModel('tiny') }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EngineNotBuiltError);
    expect((error as Error).message).toContain('hearth engine build');
    expect((error as EngineNotBuiltError).directory.startsWith(join(home, 'engines', 'llama.cpp'))).toBe(
      true,
    );
  });

  it('names the missing build tools and how to install them before building anything', async () => {
    const emptyPath = await mkdtemp(join(tmpdir(), 'hearth-empty-path-'));
    const path = process.env.PATH ?? '';
    vi.stubEnv('PATH', emptyPath);
    try {
      const error = await buildNativeEngine().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EngineBuildError);
      expect((error as EngineBuildError).code).toBe('ENGINE_BUILD_TOOLS');
      expect((error as EngineBuildError).missingTools).toEqual([
        'git',
        'cmake',
        'a C++ compiler (g++ or clang++)',
        'ninja',
      ]);
      expect((error as Error).message).toContain('apt-get install cmake g++ ninja-build git');
    } finally {
      vi.stubEnv('PATH', path);
      await rm(emptyPath, { recursive: true, force: true });
    }
  });
});
