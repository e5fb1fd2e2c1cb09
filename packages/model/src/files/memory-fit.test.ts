import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestkitModel } from '@hearth/testkit';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelMemoryError } from '../errors/model-memory-error.js';
import { type DownloadPreset, findModelPreset } from './catalog.js';
import {
  checkModelSetFits,
  choosePresetQuantization,
  estimateModelSetMemory,
  estimatePresetMemory,
  formatBytes,
  judgeMemoryFit,
} from './memory-fit.js';
import { resolveModelSet } from './resolve.js';

const preset = (name: string) => findModelPreset(name) as DownloadPreset;

// Testkit files and the (empty) model cache go to a temporary HEARTH_HOME.
const previousHome = process.env.HEARTH_HOME;
beforeAll(async () => {
  process.env.HEARTH_HOME = await mkdtemp(join(tmpdir(), 'hearth-fit-'));
});
afterAll(async () => {
  await rm(process.env.HEARTH_HOME as string, { recursive: true, force: true });
  if (previousHome === undefined) delete process.env.HEARTH_HOME;
  else process.env.HEARTH_HOME = previousHome;
});

describe('estimateModelSetMemory', () => {
  it('sizes the KV cache from the GGUF attention shape: sliding layers keep a window, full layers the context', async () => {
    // tiny: 4 layers, pattern [sliding x3, full], 1 KV head, head size 16 (sliding) / 32 (full), window 512.
    const target = await makeTestkitModel('tiny');
    const at4k = await estimateModelSetMemory({ target }, { contextSize: 4096 });
    const slidingLayer = (tokens: number) => tokens * 1 * (16 + 16) * 2;
    const fullLayer = (tokens: number) => tokens * 1 * (32 + 32) * 2;
    expect(at4k.kvCacheBytes).toBe(3 * slidingLayer(512 + 512) + fullLayer(4096));
    const at8k = await estimateModelSetMemory({ target }, { contextSize: 8192 });
    // Doubling the context grows only the full-attention layer.
    expect(at8k.kvCacheBytes - at4k.kvCacheBytes).toBe(fullLayer(4096));
    expect(at4k.source).toBe('gguf');
  });

  it('matches the KV cache llama.cpp allocates (node-llama-cpp, micro-batch 513)', async () => {
    const log: string[] = [];
    const llama = await getLlama({
      gpu: false,
      logLevel: LlamaLogLevel.info,
      logger: (_level, message) => log.push(message),
    });
    const MiB = 1024 * 1024;
    for (const target of [
      await makeTestkitModel('tiny'),
      await makeTestkitModel('cycle', { hiddenSize: 128 }),
    ]) {
      const model = await llama.loadModel({ modelPath: target });
      try {
        for (const contextSize of [4096, 8192]) {
          log.length = 0;
          const context = await model.createContext({ contextSize, threads: 1 });
          await context.dispose();
          // Native log lines reach the logger asynchronously.
          await new Promise((resolve) => setTimeout(resolve, 100));
          // node-llama-cpp asks for one more token than its batch size: n_ubatch is 513, not 512.
          const batch = Number(/n_ubatch\s*=\s*(\d+)/.exec(log.join('\n'))?.[1]);
          expect(batch).toBeGreaterThan(0);
          // One line per cache (full and sliding), sizes printed with two decimals.
          const sizes = log
            .flatMap((line) => /llama_kv_cache: size =\s*([\d.]+) MiB/.exec(line)?.[1] ?? [])
            .map(Number);
          expect(sizes).toHaveLength(2);
          const allocated = sizes.reduce((sum, size) => sum + size, 0);
          const estimate = await estimateModelSetMemory({ target }, { contextSize, microBatch: batch });
          expect(Math.abs(estimate.kvCacheBytes / MiB - allocated)).toBeLessThanOrEqual(0.01);
          console.log(
            `KV @${contextSize} (n_ubatch ${batch}): llama.cpp ${allocated} MiB, estimate ${(estimate.kvCacheBytes / MiB).toFixed(3)} MiB`,
          );
        }
      } finally {
        await model.dispose();
      }
    }
  });

  it('adds every file of the set; weights are the tensor bytes of each file', async () => {
    const set = await resolveModelSet({ model: 'tiny' });
    const alone = await estimateModelSetMemory({ target: set.target }, { contextSize: 2048 });
    const full = await estimateModelSetMemory(set, { contextSize: 2048 });
    expect(full.weights.target).toBe(alone.weights.target);
    expect(full.weights.drafter).toBeGreaterThan(0);
    expect(full.weights.mmproj).toBeGreaterThan(0);
    expect(full.totalBytes - alone.totalBytes).toBe(full.weights.drafter + full.weights.mmproj);
    expect(full.totalBytes).toBe(
      full.weights.target +
        full.weights.drafter +
        full.weights.mmproj +
        full.kvCacheBytes +
        full.computeBytes +
        full.runtimeBytes,
    );
    console.log(
      `fit tiny (target+drafter+mmproj) @2048: ${formatBytes(full.totalBytes)} ${JSON.stringify(full)}`,
    );
  });

  it('defaults the context to the training length, capped at 32768', async () => {
    const estimate = await estimateModelSetMemory({ target: await makeTestkitModel('tiny') });
    expect(estimate.contextSize).toBe(8192);
  });
});

describe('estimatePresetMemory', () => {
  it('estimates a preset from the catalog before any download', () => {
    const q4 = estimatePresetMemory(preset('gemma-4-12b'), { contextSize: 32768 });
    // 48 layers: 40 sliding (window 1024 + batch 512 tokens), 8 full; 8 KV heads of 256 for K and V; f16.
    expect(q4.kvCacheBytes).toBe(40 * 1536 * 8 * 512 * 2 + 8 * 32768 * 8 * 512 * 2);
    expect(q4.source).toBe('catalog');
    const q8 = estimatePresetMemory(preset('gemma-4-12b'), { contextSize: 32768, quantization: 'Q8_0' });
    expect(q8.weights.target).toBeGreaterThan(q4.weights.target);
    const textOnly = estimatePresetMemory(preset('gemma-4-12b-mtp'), { contextSize: 32768 });
    expect(textOnly.totalBytes).toBe(q4.totalBytes - q4.weights.mmproj);
    for (const name of ['gemma-4-12b', 'gemma-4-26b-a4b', 'gemma-4-e4b']) {
      const estimate = estimatePresetMemory(preset(name), { contextSize: 32768 });
      console.log(
        `fit ${name} @32768: ${formatBytes(estimate.totalBytes)} (KV ${formatBytes(estimate.kvCacheBytes)})`,
      );
    }
  });
});

describe('judgeMemoryFit / checkModelSetFits', () => {
  it('says fits / tight / too-big against a given machine', async () => {
    const estimate = await estimateModelSetMemory(
      { target: await makeTestkitModel('tiny') },
      { contextSize: 1024 },
    );
    const n = estimate.totalBytes;
    expect(judgeMemoryFit(estimate, { totalBytes: 2 * n, availableBytes: n }).verdict).toBe('fits');
    expect(judgeMemoryFit(estimate, { totalBytes: 2 * n, availableBytes: n - 1 }).verdict).toBe('tight');
    expect(judgeMemoryFit(estimate, { totalBytes: n - 1, availableBytes: n - 1 }).verdict).toBe('too-big');
  });

  it('refuses, before loading, a set larger than the machine', async () => {
    const target = await makeTestkitModel('tiny');
    const error = await checkModelSetFits(
      { target },
      { machine: { totalBytes: 64 * 1024 * 1024, availableBytes: 0 } },
    ).catch((e) => e);
    expect(ModelMemoryError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/needs about .* but this machine has 64.0 MiB/);
    const fit = await checkModelSetFits({ target }, { contextSize: 1024 });
    expect(fit.verdict).toBe('fits');
  });
});

describe('choosePresetQuantization (quantisation "auto")', () => {
  const GiB = 1024 ** 3;
  const gemma = () => preset('gemma-4-12b');

  it('picks the largest quantisation that fits the memory available now', () => {
    expect(
      choosePresetQuantization(gemma(), { machine: { totalBytes: 64 * GiB, availableBytes: 60 * GiB } })
        .quantization,
    ).toBe('Q8_0');
    const small = choosePresetQuantization(gemma(), {
      machine: { totalBytes: 12 * GiB, availableBytes: 12 * GiB },
    });
    expect(small.quantization).toBe('Q4_K_M');
    expect(small.fit.verdict).toBe('fits');
    // A shorter context leaves room for a bigger file.
    const shortContext = choosePresetQuantization(gemma(), {
      contextSize: 2048,
      machine: { totalBytes: 14 * GiB, availableBytes: 14 * GiB },
    });
    expect(shortContext.quantization).toBe('Q8_0');
  });

  it('falls back to "tight" (fits total memory only), then refuses', () => {
    const tight = choosePresetQuantization(gemma(), {
      machine: { totalBytes: 11 * GiB, availableBytes: 4 * GiB },
    });
    expect(tight).toMatchObject({ quantization: 'Q4_K_M', fit: { verdict: 'tight' } });
    const error = (() => {
      try {
        return choosePresetQuantization(gemma(), {
          machine: { totalBytes: 8 * GiB, availableBytes: 8 * GiB },
        });
      } catch (caught) {
        return caught;
      }
    })() as Error;
    expect(ModelMemoryError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(
      /No quantisation of gemma-4-12b fits this machine: the smallest \(Q4_0\) needs about/,
    );
  });

  it('is what resolveModelSet uses for "name:auto"', async () => {
    const chosen = choosePresetQuantization(gemma()).quantization;
    const error = await resolveModelSet({ model: 'gemma-4-12b:auto' }, { offline: true }).catch((e) => e);
    expect(error.message).toContain(`gemma-4-12B-it-qat-${chosen}.gguf`);
  });
});
