import { readdir, readFile } from 'node:fs/promises';
import { makeTestkitModel } from '@hearth/testkit';
import { describe, expect, it } from 'vitest';
import { ModelMemoryError } from '../errors/model-memory-error.js';
import { createEngine } from './create-engine.js';
import { validateLlamaNodeFiles } from './llama-node/validate-files.js';

/** Process ids whose parent is this process (Linux /proc). */
async function childPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces): state, ppid, ...
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === process.pid) pids.push(Number(entry));
  }
  return pids;
}

// A context of 100 million tokens needs terabytes of KV cache: without the check, llama.cpp starts
// allocating and the OOM killer ends the process about a minute later.
const hugeContext = 100_000_000;

describe('the memory-fit check runs before every native load', () => {
  it.each([
    ['llama-node in the model host', { engine: 'llama-node' as const }],
    ['llama-node in process', { engine: 'llama-node' as const, isolation: 'in-process' as const }],
    ['node-llama-cpp', { engine: 'node-llama-cpp' as const, gpu: false as const }],
  ])('%s: refuses a context that cannot fit, with the numbers, and starts no process', async (_, engine) => {
    const model = await makeTestkitModel('tiny');
    const before = await childPids();
    const error = await createEngine({ ...engine, model, contextSize: hugeContext }).catch((e: unknown) => e);
    expect(ModelMemoryError.isInstance(error)).toBe(true);
    const memoryError = error as ModelMemoryError;
    expect(memoryError.code).toBe('MODEL_MEMORY');
    expect(memoryError.requiredBytes).toBeGreaterThan(memoryError.totalMemoryBytes);
    expect(memoryError.message).toMatch(/at a context of 100000000 tokens/);
    expect(memoryError.message).toMatch(/available now/);
    expect(await childPids()).toEqual(before);
  });

  it('skipMemoryCheck lets someone who knows better past the check (the files are still validated)', async () => {
    const model = await makeTestkitModel('tiny');
    await expect(validateLlamaNodeFiles({ model, contextSize: hugeContext })).rejects.toThrow(/needs about/);
    await expect(
      validateLlamaNodeFiles({ model, contextSize: hugeContext, skipMemoryCheck: true }),
    ).resolves.toBe(model.split('/').at(-1));
  });
});
