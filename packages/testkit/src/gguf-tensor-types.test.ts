import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGguf, type GgufTensorInput, GgufValidationError, validateGgufFile } from '@hearth/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTestkitModel, testkitModelParts } from './family.js';

// Issue 10, item 14: a GGUF with one tensor's type swapped passed the validator and crashed the
// model host. llama.cpp loads such a file, then aborts when the first decode multiplies by it.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-gguf-types-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rewrites the ggml type id of one tensor in a GGUF's header, leaving every other byte alone. */
function swapTensorType(file: Buffer, tensorName: string, typeId: number): Buffer {
  const copy = Buffer.from(file);
  const name = Buffer.from(tensorName, 'utf8');
  // A tensor info is: u64 name length, name, u32 dimension count, u64 per dimension, u32 type, u64 offset.
  let at = copy.indexOf(name);
  while (at >= 0 && copy.readBigUInt64LE(at - 8) !== BigInt(name.length)) at = copy.indexOf(name, at + 1);
  if (at < 0) throw new Error(`no tensor ${tensorName}`);
  const dims = copy.readUInt32LE(at + name.length);
  copy.writeUInt32LE(typeId, at + name.length + 4 + dims * 8);
  return copy;
}

async function rejection(path: string): Promise<GgufValidationError> {
  const error = await validateGgufFile(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!GgufValidationError.isInstance(error))
    throw new Error(`expected a GgufValidationError, got ${String(error)}`);
  return error;
}

describe('the GGUF validator checks each tensor type against what llama.cpp accepts for it', () => {
  it('accepts the generated models as they are', async () => {
    const path = join(dir, 'tiny.gguf');
    await writeFile(path, encodeTestkitModel('tiny'));
    await expect(validateGgufFile(path)).resolves.toBeDefined();
  });

  it('refuses a norm swapped from F32 to I32 (same size, so no length check sees it)', async () => {
    const path = join(dir, 'norm-i32.gguf');
    await writeFile(path, swapTensorType(encodeTestkitModel('tiny'), 'blk.0.attn_norm.weight', 26));
    const error = await rejection(path);
    expect(error.tensor).toBe('blk.0.attn_norm.weight');
    expect(error.message).toContain(
      'tensor "blk.0.attn_norm.weight" has ggml type I32, which llama.cpp cannot use for it (accepted: F32)',
    );
  });

  it('refuses a norm written as F16 by a converter', async () => {
    const { metadata, tensors } = testkitModelParts('tiny');
    const swapped: GgufTensorInput[] = tensors.map((tensor) =>
      tensor.name === 'output_norm.weight' ? { ...tensor, type: 'F16' } : tensor,
    );
    const path = join(dir, 'norm-f16.gguf');
    await writeFile(path, encodeGguf(metadata, swapped));
    expect((await rejection(path)).message).toContain('tensor "output_norm.weight" has ggml type F16');
  });

  it('refuses a weight matrix stored as I32, and a quantized type whose rows are not whole blocks', async () => {
    const file = encodeTestkitModel('tiny');
    const i32 = join(dir, 'gate-i32.gguf');
    await writeFile(i32, swapTensorType(file, 'blk.0.ffn_gate.weight', 26));
    expect((await rejection(i32)).message).toMatch(
      /tensor "blk\.0\.ffn_gate\.weight" has ggml type I32, which llama\.cpp cannot use for it \(accepted: F32, F16, BF16, Q4_0/,
    );
    const q4k = join(dir, 'gate-q4k.gguf');
    await writeFile(q4k, swapTensorType(file, 'blk.0.ffn_gate.weight', 12));
    expect((await rejection(q4k)).message).toMatch(/not a multiple of the Q4_K block size 256/);
  });

  it('refuses a vision patch embedding that is not a float kernel', async () => {
    const path = join(dir, 'mmproj-patch.gguf');
    await writeFile(path, swapTensorType(encodeTestkitModel('tiny-mmproj'), 'v.patch_embd.weight', 26));
    expect((await rejection(path)).message).toContain('(accepted: F32, F16, BF16)');
  });
});
