import type { GgufMetadataEntry } from '@hearth/gguf';
import { type GgufTensorInput, meta } from '@hearth/gguf';
import { filled, randomNormal } from './random.js';

/** Gemma 4's unified vision input: raw 48x48 RGB patches (16 px x scale factor 3). */
const PATCH_SIZE = 16;
const SCALE_FACTOR = 3;
const PATCH_VALUES = (PATCH_SIZE * SCALE_FACTOR) ** 2 * 3;
/** Gemma 4's unified audio input: one token per 640 raw samples (40 ms at 16 kHz). */
const AUDIO_FRAME = 640;
/** Position table length per axis (x and y). */
const POSITIONS = 128;

export interface UnifiedMmprojShape {
  /** Hidden size of the text model the embeddings are projected into. */
  textHiddenSize: number;
  /** Width of the vision embedding before projection. */
  visionHiddenSize: number;
}

/**
 * Metadata and tensors of a unified encoder-free mmproj (`clip` with `gemma4uv` vision and
 * `gemma4ua` audio): no vision tower, no audio encoder, just normalisation and one projection each.
 */
export function gemma4UnifiedMmproj(
  name: string,
  shape: UnifiedMmprojShape,
  seed: number,
): { metadata: GgufMetadataEntry[]; tensors: GgufTensorInput[] } {
  const dv = shape.visionHiddenSize;
  const text = shape.textHiddenSize;
  const metadata: GgufMetadataEntry[] = [
    meta.string('general.architecture', 'clip'),
    meta.string('general.name', name),
    meta.u32('general.file_type', 0),
    meta.bool('clip.has_vision_encoder', true),
    meta.bool('clip.has_audio_encoder', true),
    meta.string('clip.vision.projector_type', 'gemma4uv'),
    meta.u32('clip.vision.embedding_length', dv),
    meta.u32('clip.vision.feed_forward_length', 0),
    meta.u32('clip.vision.block_count', 0),
    meta.u32('clip.vision.attention.head_count', 1),
    meta.u32('clip.vision.projection_dim', text),
    meta.f32('clip.vision.attention.layer_norm_epsilon', 1e-6),
    meta.u32('clip.vision.image_size', 768),
    meta.u32('clip.vision.patch_size', PATCH_SIZE),
    meta.u32('clip.vision.projector.scale_factor', SCALE_FACTOR),
    meta.array('clip.vision.image_mean', 'f32', [0.5, 0.5, 0.5]),
    meta.array('clip.vision.image_std', 'f32', [0.5, 0.5, 0.5]),
    meta.string('clip.audio.projector_type', 'gemma4ua'),
    meta.u32('clip.audio.embedding_length', AUDIO_FRAME),
    meta.u32('clip.audio.feed_forward_length', 0),
    meta.u32('clip.audio.block_count', 0),
    meta.u32('clip.audio.attention.head_count', 1),
    meta.u32('clip.audio.projection_dim', text),
    meta.f32('clip.audio.attention.layer_norm_epsilon', 1e-6),
    meta.u32('clip.audio.num_mel_bins', AUDIO_FRAME),
  ];
  const random = (tensorName: string, dimensions: number[], scale: number): GgufTensorInput => ({
    name: tensorName,
    dimensions,
    data: randomNormal(
      seed,
      tensorName,
      dimensions.reduce((a, b) => a * b, 1),
      scale,
    ),
  });
  const constant = (tensorName: string, size: number, value: number): GgufTensorInput => ({
    name: tensorName,
    dimensions: [size],
    data: filled(size, value),
  });
  const tensors: GgufTensorInput[] = [
    random('v.patch_embd.weight', [PATCH_VALUES, dv], 1 / Math.sqrt(PATCH_VALUES)),
    random('v.patch_embd.bias', [dv], 0.02),
    constant('v.patch_norm.1.weight', PATCH_VALUES, 1),
    constant('v.patch_norm.1.bias', PATCH_VALUES, 0),
    constant('v.patch_norm.2.weight', dv, 1),
    constant('v.patch_norm.2.bias', dv, 0),
    constant('v.patch_norm.3.weight', dv, 1),
    constant('v.patch_norm.3.bias', dv, 0),
    random('v.position_embd.weight', [dv, POSITIONS, 2], 0.02),
    random('mm.input_projection.weight', [dv, text], 1 / Math.sqrt(dv)),
    random('mm.a.input_projection.weight', [AUDIO_FRAME, text], 1 / Math.sqrt(AUDIO_FRAME)),
  ];
  return { metadata, tensors };
}
