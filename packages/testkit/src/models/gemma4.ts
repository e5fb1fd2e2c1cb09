import type { GgufMetadataEntry } from '@hearth/gguf';
import { type GgufTensorInput, meta } from '@hearth/gguf';
import { filled, randomNormal } from './random.js';
import { type Gemma4Vocabulary, gemma4TokenizerMetadata } from './tokenizer.js';

/** Sizes of a `gemma4` target. Head sizes follow Gemma 4: sliding-window heads are smaller than full ones. */
export interface Gemma4TargetShape {
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headSizeFull: number;
  headSizeSliding: number;
  feedForwardLength: number;
  contextLength: number;
  slidingWindow: number;
  /** The 26B-A4B layout: every layer adds a routed expert FFN beside the dense (shared) one. */
  experts?: { count: number; used: number; feedForwardLength: number };
}

/** Sizes of a `gemma4-assistant` MTP drafter; attention sizes are taken from its target. */
export interface Gemma4AssistantShape {
  hiddenSize: number;
  heads: number;
  feedForwardLength: number;
}

/** Values for the weights. `random` is plain noise; the rest are chosen by the `cycle` design. */
export interface WeightPlan {
  seed: number;
  /** Standard deviation of random matrices. */
  scale: number;
  /** Gain of the post-attention and post-FFN norms: small gains keep each layer's contribution small. */
  postNormGain: number;
  /** Replaces the named tensors' values (designed weights). */
  overrides?: Map<string, Float32Array>;
}

/**
 * Sliding-window pattern (true = sliding): Gemma 4's 5 sliding : 1 full rhythm, with the last layer
 * full and the one before it sliding, because the MTP drafter reads exactly those two layers' KV.
 */
export function slidingPattern(layers: number): boolean[] {
  return Array.from({ length: layers }, (_, i) => {
    if (i === layers - 1) return false;
    if (i === layers - 2) return true;
    return i % 6 !== 5;
  });
}

function headSize(shape: Gemma4TargetShape, sliding: boolean): number {
  return sliding ? shape.headSizeSliding : shape.headSizeFull;
}

/** Builds a tensor list with deterministic values; designed tensors come from `plan.overrides`. */
class TensorList {
  readonly tensors: GgufTensorInput[] = [];
  constructor(private readonly plan: WeightPlan) {}

  private values(name: string, count: number, make: () => Float32Array): Float32Array {
    const designed = this.plan.overrides?.get(name);
    if (designed) {
      if (designed.length !== count)
        throw new Error(`designed tensor ${name}: ${designed.length} values, expected ${count}`);
      return designed;
    }
    return make();
  }

  random(name: string, dimensions: number[], scale = this.plan.scale): void {
    const count = dimensions.reduce((a, b) => a * b, 1);
    this.tensors.push({
      name,
      dimensions,
      data: this.values(name, count, () => randomNormal(this.plan.seed, name, count, scale)),
    });
  }

  constant(name: string, dimensions: number[], value: number): void {
    const count = dimensions.reduce((a, b) => a * b, 1);
    this.tensors.push({ name, dimensions, data: this.values(name, count, () => filled(count, value)) });
  }

  /**
   * One transformer block (prefix `b`), shared by the target and the MTP drafter. `kvHeads` is absent
   * for the drafter, which has no K/V of its own (it reads the target's cache).
   */
  block(
    b: string,
    {
      d,
      h,
      heads,
      feedForwardLength: ff,
    }: { d: number; h: number; heads: number; feedForwardLength: number },
    kvHeads: number | undefined,
  ): void {
    this.constant(`${b}.attn_norm.weight`, [d], 1);
    this.random(`${b}.attn_q.weight`, [d, h * heads]);
    if (kvHeads !== undefined) {
      this.random(`${b}.attn_k.weight`, [d, h * kvHeads]);
      this.random(`${b}.attn_v.weight`, [d, h * kvHeads]);
    }
    this.random(`${b}.attn_output.weight`, [h * heads, d]);
    this.constant(`${b}.attn_q_norm.weight`, [h], 1);
    if (kvHeads !== undefined) this.constant(`${b}.attn_k_norm.weight`, [h], 1);
    this.constant(`${b}.post_attention_norm.weight`, [d], this.plan.postNormGain);
    this.constant(`${b}.ffn_norm.weight`, [d], 1);
    this.random(`${b}.ffn_gate.weight`, [d, ff]);
    this.random(`${b}.ffn_up.weight`, [d, ff]);
    this.random(`${b}.ffn_down.weight`, [ff, d]);
    this.constant(`${b}.post_ffw_norm.weight`, [d], this.plan.postNormGain);
    this.constant(`${b}.layer_output_scale.weight`, [1], 1);
  }
}

function attentionMetadata(
  prefix: string,
  shape: Gemma4TargetShape,
  pattern: boolean[],
): GgufMetadataEntry[] {
  return [
    meta.u32(`${prefix}.context_length`, shape.contextLength),
    meta.u32(`${prefix}.attention.head_count_kv`, shape.kvHeads),
    meta.u32(`${prefix}.attention.key_length`, shape.headSizeFull),
    meta.u32(`${prefix}.attention.value_length`, shape.headSizeFull),
    meta.u32(`${prefix}.attention.key_length_swa`, shape.headSizeSliding),
    meta.u32(`${prefix}.attention.value_length_swa`, shape.headSizeSliding),
    meta.f32(`${prefix}.attention.layer_norm_rms_epsilon`, 1e-6),
    meta.u32(`${prefix}.attention.sliding_window`, shape.slidingWindow),
    meta.array(`${prefix}.attention.sliding_window_pattern`, 'bool', pattern),
    meta.u32(`${prefix}.rope.dimension_count`, shape.headSizeFull),
    meta.u32(`${prefix}.rope.dimension_count_swa`, shape.headSizeSliding),
    meta.f32(`${prefix}.rope.freq_base`, 1_000_000),
    meta.f32(`${prefix}.rope.freq_base_swa`, 10_000),
  ];
}

/** Metadata and tensors of a `gemma4` target (dense, or MoE when `shape.experts` is set). */
export function gemma4Target(
  name: string,
  shape: Gemma4TargetShape,
  vocabulary: Gemma4Vocabulary,
  plan: WeightPlan,
): { metadata: GgufMetadataEntry[]; tensors: GgufTensorInput[] } {
  const d = shape.hiddenSize;
  const vocab = vocabulary.tokens.length;
  const pattern = slidingPattern(shape.layers);
  const metadata: GgufMetadataEntry[] = [
    meta.string('general.architecture', 'gemma4'),
    meta.string('general.name', name),
    meta.u32('general.file_type', 0),
    meta.u32('gemma4.embedding_length', d),
    meta.u32('gemma4.block_count', shape.layers),
    meta.u32('gemma4.feed_forward_length', shape.feedForwardLength),
    meta.u32('gemma4.attention.head_count', shape.heads),
    ...attentionMetadata('gemma4', shape, pattern),
    meta.u32('gemma4.embedding_length_per_layer_input', 0),
    meta.f32('gemma4.final_logit_softcapping', 30),
  ];
  if (shape.experts) {
    metadata.push(
      meta.u32('gemma4.expert_count', shape.experts.count),
      meta.u32('gemma4.expert_used_count', shape.experts.used),
      meta.u32('gemma4.expert_feed_forward_length', shape.experts.feedForwardLength),
    );
  }
  metadata.push(...gemma4TokenizerMetadata(vocabulary));

  const t = new TensorList(plan);
  t.random('token_embd.weight', [d, vocab]);
  t.random('output.weight', [d, vocab], 1 / Math.sqrt(d));
  t.constant('output_norm.weight', [d], 1);
  t.constant('rope_freqs.weight', [shape.headSizeFull / 2], 1);
  pattern.forEach((sliding, i) => {
    const h = headSize(shape, sliding);
    const b = `blk.${i}`;
    t.block(b, { d, h, heads: shape.heads, feedForwardLength: shape.feedForwardLength }, shape.kvHeads);
    if (shape.experts) {
      const { count, feedForwardLength: ff } = shape.experts;
      t.random(`${b}.ffn_gate_inp.weight`, [d, count], 1 / Math.sqrt(d));
      t.constant(`${b}.ffn_gate_inp.scale`, [d], 1);
      t.constant(`${b}.pre_ffw_norm_2.weight`, [d], 1);
      t.constant(`${b}.post_ffw_norm_1.weight`, [d], plan.postNormGain);
      t.constant(`${b}.post_ffw_norm_2.weight`, [d], plan.postNormGain);
      t.random(`${b}.ffn_gate_exps.weight`, [d, ff, count]);
      t.random(`${b}.ffn_up_exps.weight`, [d, ff, count]);
      t.random(`${b}.ffn_down_exps.weight`, [ff, d, count]);
      t.constant(`${b}.ffn_down_exps.scale`, [count], 1);
    }
  });
  return { metadata, tensors: t.tensors };
}

/**
 * Metadata and tensors of a `gemma4-assistant` MTP drafter for `target`: two layers (sliding, then
 * full) that read the target's last two layers' KV cache, so it has no K/V projections itself.
 */
export function gemma4Assistant(
  name: string,
  target: Gemma4TargetShape,
  shape: Gemma4AssistantShape,
  vocabulary: Gemma4Vocabulary,
  plan: WeightPlan,
): { metadata: GgufMetadataEntry[]; tensors: GgufTensorInput[] } {
  if (shape.hiddenSize === target.hiddenSize) {
    throw new Error(
      'the drafter hidden size must differ from the target hidden size (llama.cpp requires it)',
    );
  }
  const d = shape.hiddenSize;
  const vocab = vocabulary.tokens.length;
  const pattern = [true, false];
  const prefix = 'gemma4-assistant';
  const metadata: GgufMetadataEntry[] = [
    meta.string('general.architecture', prefix),
    meta.string('general.name', name),
    meta.u32('general.file_type', 0),
    meta.u32(`${prefix}.embedding_length`, d),
    meta.u32(`${prefix}.embedding_length_out`, target.hiddenSize),
    meta.u32(`${prefix}.block_count`, pattern.length),
    meta.u32(`${prefix}.nextn_predict_layers`, pattern.length),
    meta.u32(`${prefix}.feed_forward_length`, shape.feedForwardLength),
    meta.u32(`${prefix}.attention.head_count`, shape.heads),
    ...attentionMetadata(prefix, target, pattern),
    ...gemma4TokenizerMetadata(vocabulary),
  ];

  const t = new TensorList(plan);
  t.random('token_embd.weight', [d, vocab], 1 / Math.sqrt(d));
  t.constant('output_norm.weight', [d], 1);
  t.random('nextn.pre_projection.weight', [2 * target.hiddenSize, d]);
  t.random('nextn.post_projection.weight', [d, target.hiddenSize]);
  t.constant('rope_freqs.weight', [target.headSizeFull / 2], 1);
  pattern.forEach((sliding, i) => {
    const h = headSize(target, sliding);
    const b = `blk.${i}`;
    t.block(b, { d, h, heads: shape.heads, feedForwardLength: shape.feedForwardLength }, undefined);
  });
  return { metadata, tensors: t.tensors };
}
