import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgufValidationError } from '@hearth/gguf';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelSetMismatchError } from '../errors/model-set-mismatch-error.js';
import { validateModelSet } from './validate-set.js';

let dir: string;
let tiny: Record<'target' | 'drafter' | 'mmproj', string>;
let wide: Record<'target' | 'drafter', string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-validate-'));
  tiny = {
    target: await makeTestkitModel('tiny', { dir }),
    drafter: await makeTestkitModel('tiny-assistant', { dir }),
    mmproj: await makeTestkitModel('tiny-mmproj', { dir }),
  };
  // A wider target (hidden 128) and its own drafter: neither matches the tiny files.
  wide = {
    target: await makeTestkitModel('cycle', { dir, hiddenSize: 128 }),
    drafter: await makeTestkitModel('cycle-assistant', { dir, hiddenSize: 128 }),
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('validateModelSet', () => {
  it('accepts matching files and summarises them', async () => {
    const info = await validateModelSet({ name: 'wide', target: wide.target, drafter: wide.drafter });
    expect(info.target).toMatchObject({ architecture: 'gemma4', hiddenSize: 128, quantization: 'F32' });
    expect(info.target.parameterCount).toBeGreaterThan(0);
    expect(info.target.weightsBytes).toBeLessThan(info.target.fileSize);
    expect(info.drafter?.architecture).toBe('gemma4-assistant');
    expect(info.capabilities).toEqual({ vision: false, audio: false, mtp: true, moe: false });
  });

  it("refuses a drafter made for another target's hidden size", async () => {
    const error = await validateModelSet({ name: 'x', target: wide.target, drafter: tiny.drafter }).catch(
      (e) => e,
    );
    expect(ModelSetMismatchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      filePath: tiny.drafter,
      role: 'drafter',
      key: 'gemma4-assistant.embedding_length_out',
      expected: 128,
      actual: 64,
    });
    expect(error.message).toContain(tiny.drafter);
    expect(error.message).toMatch(/is 64, expected 128/);
  });

  it('refuses an mmproj that projects into another hidden size', async () => {
    const error = await validateModelSet({ name: 'x', target: wide.target, mmproj: tiny.mmproj }).catch(
      (e) => e,
    );
    expect(ModelSetMismatchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      role: 'mmproj',
      key: 'clip.vision.projection_dim',
      expected: 128,
      actual: 64,
    });
  });

  it('refuses a file in the wrong role', async () => {
    const error = await validateModelSet({ name: 'x', target: tiny.target, drafter: tiny.mmproj }).catch(
      (e) => e,
    );
    expect(GgufValidationError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/general\.architecture is "clip", expected "gemma4-assistant"/);
  });

  it('refuses a truncated file, naming it', async () => {
    const cut = join(dir, 'cut.gguf');
    const bytes = await readFile(tiny.target);
    await writeFile(cut, bytes.subarray(0, bytes.length - 100));
    const error = await validateModelSet({ name: 'x', target: cut, mmproj: tiny.mmproj }).catch((e) => e);
    expect(GgufValidationError.isInstance(error)).toBe(true);
    expect(error.filePath).toBe(cut);
    expect(error.message).toMatch(/truncated/);
  });
});
