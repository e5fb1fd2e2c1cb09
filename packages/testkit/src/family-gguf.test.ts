import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GgufMetadataEntry } from '@hearth/gguf';
import {
  encodeGguf,
  type GgufTensorInput,
  GgufValidationError,
  meta,
  readGgufFile,
  validateGgufFile,
} from '@hearth/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTestkitModel,
  makeTestkitFamily,
  makeTestkitModel,
  testkitModelNames,
  testkitModelParts,
} from './family.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-gguf-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeParts(
  name: string,
  metadata: GgufMetadataEntry[],
  tensors: GgufTensorInput[],
): Promise<string> {
  const path = join(dir, `${name}.gguf`);
  await writeFile(path, encodeGguf(metadata, tensors));
  return path;
}

/** Expects validation to fail with a GgufValidationError whose message contains every fragment. */
async function expectRejected(
  path: string,
  fragments: string[],
  where: { key?: string; tensor?: string } = {},
  expectation?: { architecture?: string; target?: string },
): Promise<void> {
  const error = await validateGgufFile(path, expectation).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(GgufValidationError.isInstance(error), `expected a GgufValidationError, got ${String(error)}`).toBe(
    true,
  );
  const validation = error as GgufValidationError;
  expect(validation.name).toBe('GgufValidationError');
  expect(validation.filePath).toBe(path);
  expect(validation.message).toContain(path);
  for (const fragment of fragments) expect(validation.message).toContain(fragment);
  if (where.key) expect(validation.key).toBe(where.key);
  if (where.tensor) expect(validation.tensor).toBe(where.tensor);
}

describe('generated family', () => {
  it('is deterministic: same seed same bytes, different seed different bytes', () => {
    for (const name of testkitModelNames) {
      const first = encodeTestkitModel(name, { seed: 7 });
      expect(encodeTestkitModel(name, { seed: 7 }).equals(first), name).toBe(true);
      expect(encodeTestkitModel(name, { seed: 8 }).equals(first), name).toBe(false);
    }
  });

  it('caches by options, writes atomically and validates every file', async () => {
    const family = await makeTestkitFamily({ dir });
    for (const [name, path] of Object.entries(family)) {
      const info = await validateGgufFile(path);
      expect(path.startsWith(dir), name).toBe(true);
      expect(path).toMatch(new RegExp(`/${name}-[0-9a-f]{12}\\.gguf$`));
      expect(info.fileSize).toBeLessThan(3 * 1024 * 1024);
    }
    expect(family.tiny).not.toBe(await makeTestkitModel('tiny', { dir, seed: 2 }));
    expect(await makeTestkitModel('cycle', { dir, hiddenSize: 128 })).not.toBe(family.cycle);
    // Many concurrent writers of one new file: all get the same complete file.
    const paths = await Promise.all(
      Array.from({ length: 6 }, () => makeTestkitModel('tiny', { dir, seed: 3 })),
    );
    expect(new Set(paths).size).toBe(1);
    await validateGgufFile(paths[0] ?? '', { architecture: 'gemma4' });
  });

  it('makes valid, matching cycle pairs at other sizes', async () => {
    for (const hiddenSize of [32, 48, 80, 256]) {
      const sizes = { dir, hiddenSize, layers: 3, feedForwardLength: hiddenSize * 3 };
      const target = await makeTestkitModel('cycle', sizes);
      const drafter = await makeTestkitModel('cycle-assistant', sizes);
      await validateGgufFile(target, { architecture: 'gemma4' });
      await validateGgufFile(drafter, { architecture: 'gemma4-assistant', target });
    }
    await expect(makeTestkitModel('cycle', { dir, hiddenSize: 40 })).rejects.toThrow('multiple of 16');
    await expect(makeTestkitModel('cycle', { dir, layers: 1 })).rejects.toThrow(
      'layers must be an integer >= 2',
    );
    await expect(makeTestkitModel('cycle-assistant', { dir, draftAccuracy: 0.3 })).rejects.toThrow(
      'draftAccuracy must be between 0.5 and 1',
    );
    // The accuracy only changes the drafter.
    expect(await makeTestkitModel('cycle', { dir, draftAccuracy: 0.7 })).toBe(
      await makeTestkitModel('cycle', { dir }),
    );
    expect(await makeTestkitModel('cycle-assistant', { dir, draftAccuracy: 0.7 })).not.toBe(
      await makeTestkitModel('cycle-assistant', { dir }),
    );
  });

  it('grows the cycle vocabulary with unused fillers only, the default staying as it was', async () => {
    const base = await readGgufFile(await makeTestkitModel('cycle', { dir }));
    const target = await makeTestkitModel('cycle', { dir, vocabularySize: 1024 });
    const grown = await readGgufFile(target);
    const drafter = await makeTestkitModel('cycle-assistant', { dir, vocabularySize: 1024 });
    await validateGgufFile(drafter, { architecture: 'gemma4-assistant', target });
    const tokens = (info: typeof base) => info.metadata['tokenizer.ggml.tokens'] as string[];
    const types = (info: typeof base) => info.metadata['tokenizer.ggml.token_type'] as number[];
    expect(tokens(base)).toHaveLength(768);
    expect(tokens(grown)).toHaveLength(1024);
    expect(tokens(grown).slice(0, 768)).toEqual(tokens(base));
    expect(grown.metadata['tokenizer.ggml.merges']).toEqual(base.metadata['tokenizer.ggml.merges']);
    expect(new Set(types(grown).slice(768))).toEqual(new Set([5])); // llama.cpp's "unused"
    expect(grown.tensors.find((tensor) => tensor.name === 'output.weight')?.dimensions).toEqual([64, 1024]);
    expect(encodeTestkitModel('cycle', { vocabularySize: 768 }).equals(encodeTestkitModel('cycle'))).toBe(
      true,
    );
    await expect(makeTestkitModel('cycle', { dir, vocabularySize: 512 })).rejects.toThrow(
      'cycle vocabularySize must be an integer >= 768, got 512',
    );
  });

  it('has the Gemma 4 tokenizer, chat template and untied head', async () => {
    const info = await readGgufFile(await makeTestkitModel('tiny', { dir }));
    const tokens = info.metadata['tokenizer.ggml.tokens'] as string[];
    expect(info.metadata['tokenizer.ggml.model']).toBe('gemma4');
    for (const special of [
      '<bos>',
      '<eos>',
      '<|turn>',
      '<turn|>',
      '<|tool_call>',
      '<|"|>',
      '<|image>',
      '<audio|>',
    ]) {
      expect(tokens, special).toContain(special);
    }
    expect(tokens).toContain('<0x0A>');
    expect(tokens.some((token) => token.startsWith('\u2581') && token.length > 2)).toBe(true);
    expect(info.metadata['tokenizer.chat_template']).toContain("'<|tool_call>call:'");
    expect(info.tensors.map((tensor) => tensor.name)).toContain('output.weight');
    expect(info.metadata['gemma4.attention.sliding_window_pattern']).toEqual([true, true, true, false]);
  });
});

describe('validateGgufFile rejects what would crash llama.cpp', () => {
  const withMetadata = (
    name: 'tiny' | 'tiny-assistant' | 'tiny-mmproj',
    change: (metadata: GgufMetadataEntry[]) => GgufMetadataEntry[],
  ) => {
    const parts = testkitModelParts(name);
    return { metadata: change(parts.metadata), tensors: parts.tensors };
  };

  it('a file truncated inside the tensor data', async () => {
    const path = join(dir, 'truncated-data.gguf');
    await writeFile(path, encodeTestkitModel('tiny'));
    const { fileSize } = await readGgufFile(path);
    await truncate(path, fileSize - 1000);
    await expectRejected(path, ['truncated', `file has ${fileSize - 1000}`, 'is cut off'], {
      tensor: 'blk.3.ffn_down.weight',
    });
  });

  it('a file truncated inside the header', async () => {
    const path = join(dir, 'truncated-header.gguf');
    await writeFile(path, encodeTestkitModel('tiny').subarray(0, 5000));
    await expectRejected(path, ['ends inside its header']);
  });

  it('a key with the wrong type (i32 where u32 is expected)', async () => {
    const parts = withMetadata('tiny', (metadata) =>
      metadata.map((entry) => (entry.key === 'gemma4.block_count' ? meta.i32(entry.key, 4) : entry)),
    );
    const path = await writeParts('wrong-type', parts.metadata, parts.tensors);
    await expectRejected(path, ['"gemma4.block_count" has type i32, expected u32'], {
      key: 'gemma4.block_count',
    });
  });

  it('a missing required key, per architecture', async () => {
    const cases = [
      ['tiny', 'gemma4.attention.key_length_swa'],
      ['tiny', 'gemma4.attention.sliding_window_pattern'],
      ['tiny', 'gemma4.embedding_length_per_layer_input'],
      ['tiny', 'tokenizer.ggml.merges'],
      ['tiny-assistant', 'gemma4-assistant.embedding_length_out'],
      ['tiny-mmproj', 'clip.audio.num_mel_bins'],
      ['tiny-mmproj', 'clip.vision.projection_dim'],
    ] as const;
    for (const [model, key] of cases) {
      const parts = withMetadata(model, (metadata) => metadata.filter((entry) => entry.key !== key));
      const path = await writeParts(`missing-${key}`, parts.metadata, parts.tensors);
      await expectRejected(path, [`required metadata key "${key}" is missing`], { key });
    }
  });

  it('a missing sliding rope dimension when the sliding head is smaller', async () => {
    const key = 'gemma4.rope.dimension_count_swa';
    const parts = withMetadata('tiny', (metadata) => metadata.filter((entry) => entry.key !== key));
    const path = await writeParts('missing-rope-swa', parts.metadata, parts.tensors);
    await expectRejected(path, [`"${key}" is missing`, 'assert'], { key });
  });

  it('a drafter whose output width equals its own width', async () => {
    const key = 'gemma4-assistant.embedding_length_out';
    const parts = withMetadata('tiny-assistant', (metadata) =>
      metadata.map((entry) => (entry.key === key ? meta.u32(key, 32) : entry)),
    );
    const path = await writeParts('drafter-width', parts.metadata, parts.tensors);
    await expectRejected(path, ['must carry the target', 'differ'], { key });
  });

  it('a missing tensor and a wrongly shaped tensor', async () => {
    const cases = [
      ['tiny', 'blk.2.ffn_up.weight'],
      ['tiny', 'rope_freqs.weight'],
      ['tiny-assistant', 'blk.1.layer_output_scale.weight'],
      ['tiny-assistant', 'nextn.pre_projection.weight'],
      ['tiny-mmproj', 'v.patch_norm.3.bias'],
      ['tiny-mmproj', 'mm.a.input_projection.weight'],
    ] as const;
    for (const [model, tensor] of cases) {
      const parts = testkitModelParts(model);
      const missing = await writeParts(
        `no-${tensor}`,
        parts.metadata,
        parts.tensors.filter((t) => t.name !== tensor),
      );
      await expectRejected(missing, [`required tensor "${tensor}" is missing`, 'expected shape'], { tensor });

      const reshaped = parts.tensors.map((t) =>
        t.name === tensor ? { ...t, dimensions: [t.data.length] } : t,
      );
      const original = parts.tensors.find((t) => t.name === tensor);
      if (original && original.dimensions.length > 1) {
        const path = await writeParts(`shape-${tensor}`, parts.metadata, reshaped);
        await expectRejected(path, [`tensor "${tensor}" has shape [${original.data.length}]`, 'expected ['], {
          tensor,
        });
      }
    }
  });

  it('a head-size mismatch in a layer tensor', async () => {
    const parts = testkitModelParts('tiny');
    const tensors = parts.tensors.map((t) =>
      t.name === 'blk.3.attn_q.weight' ? { ...t, dimensions: [64, 32], data: new Float32Array(64 * 32) } : t,
    );
    const path = await writeParts('q-shape', parts.metadata, tensors);
    await expectRejected(path, ['"blk.3.attn_q.weight" has shape [64, 32], expected [64, 64]'], {
      tensor: 'blk.3.attn_q.weight',
    });
  });

  it('an unexpected extra tensor', async () => {
    const parts = testkitModelParts('tiny');
    const tensors = [
      ...parts.tensors,
      { name: 'blk.9.extra.weight', dimensions: [4], data: new Float32Array(4) },
    ];
    const path = await writeParts('extra', parts.metadata, tensors);
    await expectRejected(path, ['unexpected tensor "blk.9.extra.weight"'], { tensor: 'blk.9.extra.weight' });
  });

  it('the wrong architecture for the role', async () => {
    const path = await makeTestkitModel('tiny-assistant', { dir });
    await expectRejected(
      path,
      ['general.architecture is "gemma4-assistant", expected "gemma4"'],
      {},
      { architecture: 'gemma4' },
    );
  });

  it('a drafter or mmproj that does not fit its target', async () => {
    const wide = await makeTestkitModel('cycle', { dir, hiddenSize: 128 });
    const tiny = await makeTestkitModel('tiny', { dir });
    const drafter = await makeTestkitModel('tiny-assistant', { dir });
    const mmproj = await makeTestkitModel('tiny-mmproj', { dir });
    await validateGgufFile(drafter, { architecture: 'gemma4-assistant', target: tiny });
    await validateGgufFile(mmproj, { architecture: 'clip', target: tiny });
    const wideDrafter = await makeTestkitModel('cycle-assistant', { dir, hiddenSize: 128 });
    await validateGgufFile(wideDrafter, { target: wide });
    // llama.node aborts the process (GGML_ASSERT in mul_mat) on this pairing.
    await expectRejected(
      drafter,
      ['"gemma4-assistant.embedding_length_out" is 64', `the target ${wide} needs 128`],
      { key: 'gemma4-assistant.embedding_length_out' },
      { target: wide },
    );
    await expectRejected(
      mmproj,
      ['"clip.vision.projection_dim" is 64', 'needs 128'],
      { key: 'clip.vision.projection_dim' },
      {
        target: wide,
      },
    );
  });

  it('a token_type array of the wrong length', async () => {
    const key = 'tokenizer.ggml.token_type';
    const parts = withMetadata('tiny', (metadata) =>
      metadata.map((entry) => (entry.key === key ? meta.array(key, 'i32', [1, 1, 1]) : entry)),
    );
    const path = await writeParts('token-type', parts.metadata, parts.tensors);
    await expectRejected(path, [`"${key}" has 3 entries, expected one per token`], { key });
  });
});
