import { GgufValidationError } from './gguf-validation-error.js';
import { readGgufFile } from './reader.js';
import { type GgufFileInfo, type GgufTypeName, type GgufValue, ggmlTypeLayout } from './types.js';

/** What the caller expects of the file. */
export interface GgufExpectation {
  /** `general.architecture` must equal this (e.g. `gemma4`, `gemma4-assistant`, `clip`). */
  architecture?: string;
  /**
   * Path of the `gemma4` target this drafter or mmproj will be attached to. A drafter that does not
   * fit its target aborts llama.cpp at the first decode; an mmproj of the wrong width is refused.
   */
  target?: string;
}

interface TensorSpec {
  name: string;
  dimensions: number[];
  required: boolean;
  /** Not required when this other tensor is present (fused alternatives, e.g. gate+up experts). */
  unlessPresent?: string;
}

/**
 * The tensors of one Gemma 4 transformer block (prefix `b`), shared by the target and the MTP drafter.
 * `keyValue` is absent for the drafter; `required: false` there marks a target layer that shares KV.
 */
function blockTensorSpecs(
  b: string,
  { d, h, heads, ff }: { d: number; h: number; heads: number; ff: number },
  keyValue: { kvHeads: number; required: boolean } | undefined,
  layerOutputScaleRequired: boolean,
): TensorSpec[] {
  const key: TensorSpec[] = [];
  const keyNorm: TensorSpec[] = [];
  if (keyValue) {
    const { kvHeads, required } = keyValue;
    key.push(
      { name: `${b}.attn_k.weight`, dimensions: [d, h * kvHeads], required },
      { name: `${b}.attn_v.weight`, dimensions: [d, h * kvHeads], required: false },
    );
    keyNorm.push({ name: `${b}.attn_k_norm.weight`, dimensions: [h], required });
  }
  return [
    { name: `${b}.attn_norm.weight`, dimensions: [d], required: true },
    { name: `${b}.attn_q.weight`, dimensions: [d, h * heads], required: true },
    ...key,
    { name: `${b}.attn_output.weight`, dimensions: [h * heads, d], required: true },
    { name: `${b}.attn_q_norm.weight`, dimensions: [h], required: true },
    ...keyNorm,
    { name: `${b}.post_attention_norm.weight`, dimensions: [d], required: true },
    { name: `${b}.layer_output_scale.weight`, dimensions: [1], required: layerOutputScaleRequired },
    { name: `${b}.ffn_norm.weight`, dimensions: [d], required: true },
    { name: `${b}.ffn_gate.weight`, dimensions: [d, ff], required: true },
    { name: `${b}.ffn_up.weight`, dimensions: [d, ff], required: true },
    { name: `${b}.ffn_down.weight`, dimensions: [ff, d], required: true },
    { name: `${b}.post_ffw_norm.weight`, dimensions: [d], required: true },
  ];
}

const REGENERATE =
  'use a complete, unmodified GGUF (re-download or re-convert it; for testkit files run `hearth testkit make`)';

/** Collects typed reads of metadata, turning every mismatch into a precise error. */
class MetadataReader {
  constructor(private readonly info: GgufFileInfo) {}

  fail(message: string, where: { key?: string; tensor?: string } = {}): never {
    throw new GgufValidationError(`${this.info.filePath}: ${message}; ${REGENERATE}`, {
      filePath: this.info.filePath,
      ...where,
    });
  }

  private typed(key: string, accepted: GgufTypeName[], required: boolean): GgufValue | undefined {
    const type = this.info.metadataTypes[key];
    if (type === undefined) {
      if (required)
        this.fail(`required metadata key "${key}" is missing (expected ${accepted.join(' or ')})`, { key });
      return undefined;
    }
    if (!accepted.includes(type)) {
      this.fail(`metadata key "${key}" has type ${type}, expected ${accepted.join(' or ')}`, { key });
    }
    return this.info.metadata[key];
  }

  u32(key: string): number;
  u32(key: string, required: false): number | undefined;
  u32(key: string, required = true): number | undefined {
    return this.typed(key, ['u32'], required) as number | undefined;
  }

  f32(key: string, required = true): number | undefined {
    return this.typed(key, ['f32'], required) as number | undefined;
  }

  bool(key: string, required = true): boolean | undefined {
    return this.typed(key, ['bool'], required) as boolean | undefined;
  }

  string(key: string): string;
  string(key: string, required: false): string | undefined;
  string(key: string, required = true): string | undefined {
    return this.typed(key, ['string'], required) as string | undefined;
  }

  array(key: string, itemTypes: GgufTypeName[], required = true): GgufValue[] | undefined {
    return this.typed(key, itemTypes, required) as GgufValue[] | undefined;
  }

  /** A per-layer value: one u32 for all layers, or an array with one entry per layer. */
  perLayer(key: string, layers: number, required = true): number[] | undefined {
    const value = this.typed(key, ['u32', 'i32', 'array<u32>', 'array<i32>'], required);
    if (value === undefined) return undefined;
    if (this.info.metadataTypes[key] === 'i32')
      this.fail(`metadata key "${key}" has type i32, expected u32`, { key });
    if (Array.isArray(value)) {
      if (value.length !== layers) {
        this.fail(`metadata key "${key}" has ${value.length} entries, expected one per layer (${layers})`, {
          key,
        });
      }
      return value.map(Number);
    }
    return Array.from({ length: layers }, () => Number(value));
  }
}

function checkTokenizer(m: MetadataReader): number {
  const model = m.string('tokenizer.ggml.model');
  const tokens = m.array('tokenizer.ggml.tokens', ['array<string>']) as string[];
  const types = m.array('tokenizer.ggml.token_type', ['array<i32>'], false);
  if (types && types.length !== tokens.length) {
    m.fail(
      `"tokenizer.ggml.token_type" has ${types.length} entries, expected one per token (${tokens.length})`,
      {
        key: 'tokenizer.ggml.token_type',
      },
    );
  }
  const scores = m.array('tokenizer.ggml.scores', ['array<f32>'], false);
  if (scores && scores.length !== tokens.length) {
    m.fail(
      `"tokenizer.ggml.scores" has ${scores.length} entries, expected one per token (${tokens.length})`,
      {
        key: 'tokenizer.ggml.scores',
      },
    );
  }
  if (model === 'gemma4' || model === 'gpt2') {
    m.array('tokenizer.ggml.merges', ['array<string>']);
  }
  for (const key of ['bos', 'eos', 'unknown', 'padding'].map((name) => `tokenizer.ggml.${name}_token_id`)) {
    const id = m.u32(key, false);
    if (id !== undefined && id >= tokens.length) {
      m.fail(`metadata key "${key}" is ${id}, outside the vocabulary of ${tokens.length} tokens`, { key });
    }
  }
  m.bool('tokenizer.ggml.add_bos_token', false);
  m.string('tokenizer.chat_template', false);
  return tokens.length;
}

interface AttentionShape {
  layers: number;
  sliding: boolean[];
  headSizeFull: number;
  headSizeSliding: number;
}

/** Attention keys shared by `gemma4` and `gemma4-assistant`, with llama.cpp's consistency rules. */
function checkAttention(m: MetadataReader, prefix: string, layers: number): AttentionShape {
  m.u32(`${prefix}.context_length`);
  m.perLayer(`${prefix}.attention.head_count_kv`, layers);
  const keyLength = m.u32(`${prefix}.attention.key_length`);
  const valueLength = m.u32(`${prefix}.attention.value_length`);
  const keySliding = m.u32(`${prefix}.attention.key_length_swa`);
  const valueSliding = m.u32(`${prefix}.attention.value_length_swa`);
  if (keyLength !== valueLength) {
    m.fail(`"${prefix}.attention.key_length" (${keyLength}) must equal "value_length" (${valueLength})`, {
      key: `${prefix}.attention.value_length`,
    });
  }
  if (keySliding !== valueSliding) {
    m.fail(
      `"${prefix}.attention.key_length_swa" (${keySliding}) must equal "value_length_swa" (${valueSliding})`,
      {
        key: `${prefix}.attention.value_length_swa`,
      },
    );
  }
  m.f32(`${prefix}.attention.layer_norm_rms_epsilon`);
  m.u32(`${prefix}.attention.sliding_window`);
  const patternKey = `${prefix}.attention.sliding_window_pattern`;
  const pattern = m.array(patternKey, ['array<bool>']) as boolean[];
  if (pattern.length !== layers) {
    m.fail(`"${patternKey}" has ${pattern.length} entries, expected one per layer (${layers})`, {
      key: patternKey,
    });
  }
  const rotFull = m.u32(`${prefix}.rope.dimension_count`, false) ?? keyLength;
  const rotSliding = m.u32(`${prefix}.rope.dimension_count_swa`, false);
  if (rotSliding === undefined && keySliding !== keyLength && rotFull > keySliding) {
    m.fail(
      `"${prefix}.rope.dimension_count_swa" is missing while the sliding head (${keySliding}) is smaller than the full head (${keyLength}); llama.cpp would assert at the first decode`,
      { key: `${prefix}.rope.dimension_count_swa` },
    );
  }
  m.f32(`${prefix}.rope.freq_base`, false);
  m.f32(`${prefix}.rope.freq_base_swa`, false);
  m.u32(`${prefix}.attention.shared_kv_layers`, false);
  return { layers, sliding: pattern, headSizeFull: keyLength, headSizeSliding: keySliding };
}

function gemma4Tensors(m: MetadataReader, vocab: number): TensorSpec[] {
  const p = 'gemma4';
  const layers = m.u32(`${p}.block_count`);
  const d = m.u32(`${p}.embedding_length`);
  const ff = m.perLayer(`${p}.feed_forward_length`, layers) as number[];
  const heads = m.perLayer(`${p}.attention.head_count`, layers) as number[];
  const attention = checkAttention(m, p, layers);
  const kvHeads = m.perLayer(`${p}.attention.head_count_kv`, layers) as number[];
  const perLayerInput = m.u32(`${p}.embedding_length_per_layer_input`);
  const shared = m.u32(`${p}.attention.shared_kv_layers`, false) ?? 0;
  m.f32(`${p}.final_logit_softcapping`, false);
  const experts = m.u32(`${p}.expert_count`, false) ?? 0;
  const used = m.u32(`${p}.expert_used_count`, false) ?? 0;
  const expertFf = m.u32(`${p}.expert_feed_forward_length`, false);
  if (experts > 0 && (used < 1 || used > experts)) {
    m.fail(`"${p}.expert_used_count" is ${used}, expected 1..${experts} (expert_count)`, {
      key: `${p}.expert_used_count`,
    });
  }
  if (experts > 0 && expertFf === undefined) {
    m.fail(
      `required metadata key "${p}.expert_feed_forward_length" is missing (expected u32) for an MoE model`,
      {
        key: `${p}.expert_feed_forward_length`,
      },
    );
  }

  const specs: TensorSpec[] = [
    { name: 'token_embd.weight', dimensions: [d, vocab], required: true },
    { name: 'output.weight', dimensions: [d, vocab], required: false },
    { name: 'output_norm.weight', dimensions: [d], required: true },
  ];
  if (perLayerInput > 0) {
    specs.push(
      { name: 'per_layer_token_embd.weight', dimensions: [perLayerInput * layers, vocab], required: true },
      { name: 'per_layer_model_proj.weight', dimensions: [d, perLayerInput * layers], required: true },
      { name: 'per_layer_proj_norm.weight', dimensions: [perLayerInput], required: true },
    );
  }
  let ropeFreqs = false;
  for (let i = 0; i < layers; i++) {
    const h = attention.sliding[i] ? attention.headSizeSliding : attention.headSizeFull;
    const nh = heads[i] ?? 0;
    const nkv = kvHeads[i] ?? 0;
    const hasKv = i < layers - shared;
    const b = `blk.${i}`;
    const f = ff[i] ?? 0;
    specs.push(...blockTensorSpecs(b, { d, h, heads: nh, ff: f }, { kvHeads: nkv, required: hasKv }, false));
    if (!attention.sliding[i] && !ropeFreqs) {
      specs.push({ name: 'rope_freqs.weight', dimensions: [attention.headSizeFull / 2], required: true });
      ropeFreqs = true;
    }
    if (experts > 0) {
      const e = expertFf ?? 0;
      specs.push(
        { name: `${b}.ffn_gate_inp.weight`, dimensions: [d, experts], required: true },
        { name: `${b}.ffn_gate_inp.scale`, dimensions: [d], required: true },
        { name: `${b}.pre_ffw_norm_2.weight`, dimensions: [d], required: true },
        { name: `${b}.post_ffw_norm_1.weight`, dimensions: [d], required: true },
        { name: `${b}.post_ffw_norm_2.weight`, dimensions: [d], required: true },
        { name: `${b}.ffn_gate_up_exps.weight`, dimensions: [d, 2 * e, experts], required: false },
        {
          name: `${b}.ffn_gate_exps.weight`,
          dimensions: [d, e, experts],
          required: true,
          unlessPresent: `${b}.ffn_gate_up_exps.weight`,
        },
        {
          name: `${b}.ffn_up_exps.weight`,
          dimensions: [d, e, experts],
          required: true,
          unlessPresent: `${b}.ffn_gate_up_exps.weight`,
        },
        { name: `${b}.ffn_down_exps.weight`, dimensions: [e, d, experts], required: true },
        { name: `${b}.ffn_down_exps.scale`, dimensions: [experts], required: false },
      );
    }
    if (perLayerInput > 0) {
      specs.push(
        { name: `${b}.inp_gate.weight`, dimensions: [d, perLayerInput], required: true },
        { name: `${b}.proj.weight`, dimensions: [perLayerInput, d], required: true },
        { name: `${b}.post_norm.weight`, dimensions: [d], required: true },
      );
    }
  }
  return specs;
}

function gemma4AssistantTensors(m: MetadataReader, vocab: number): TensorSpec[] {
  const p = 'gemma4-assistant';
  const layers = m.u32(`${p}.block_count`);
  const d = m.u32(`${p}.embedding_length`);
  const outKey = `${p}.embedding_length_out`;
  const backbone = m.u32(outKey);
  if (backbone === d) {
    m.fail(
      `"${outKey}" (${backbone}) must carry the target's hidden size and differ from "embedding_length" (${d})`,
      {
        key: outKey,
      },
    );
  }
  const nextn = m.u32(`${p}.nextn_predict_layers`, false);
  if (nextn !== undefined && nextn !== layers) {
    m.fail(`"${p}.nextn_predict_layers" is ${nextn}, expected block_count (${layers})`, {
      key: `${p}.nextn_predict_layers`,
    });
  }
  const ff = m.perLayer(`${p}.feed_forward_length`, layers) as number[];
  const heads = m.perLayer(`${p}.attention.head_count`, layers) as number[];
  const attention = checkAttention(m, p, layers);
  const specs: TensorSpec[] = [
    { name: 'token_embd.weight', dimensions: [d, vocab], required: true },
    { name: 'output_norm.weight', dimensions: [d], required: true },
    { name: 'nextn.pre_projection.weight', dimensions: [2 * backbone, d], required: true },
    { name: 'nextn.post_projection.weight', dimensions: [d, backbone], required: true },
  ];
  let ropeFreqs = false;
  for (let i = 0; i < layers; i++) {
    const h = attention.sliding[i] ? attention.headSizeSliding : attention.headSizeFull;
    const nh = heads[i] ?? 0;
    const f = ff[i] ?? 0;
    const b = `blk.${i}`;
    // No K/V: the drafter reads the target's KV cache. Its layer output scale is required.
    specs.push(...blockTensorSpecs(b, { d, h, heads: nh, ff: f }, undefined, true));
    if (!attention.sliding[i] && !ropeFreqs) {
      specs.push({ name: 'rope_freqs.weight', dimensions: [attention.headSizeFull / 2], required: true });
      ropeFreqs = true;
    }
  }
  return specs;
}

/** The unified Gemma 4 mmproj: `gemma4uv` vision and/or `gemma4ua` audio. Other projectors: keys only. */
function clipTensors(m: MetadataReader): TensorSpec[] | undefined {
  const vision = m.bool('clip.has_vision_encoder', false) ?? false;
  const audio = m.bool('clip.has_audio_encoder', false) ?? false;
  if (!vision && !audio) {
    m.fail('neither "clip.has_vision_encoder" nor "clip.has_audio_encoder" is true', {
      key: 'clip.has_vision_encoder',
    });
  }
  const generic = m.string('clip.projector_type', false);
  const specs: TensorSpec[] = [];
  let known = true;
  const section = (name: 'vision' | 'audio') => {
    const projector = m.string(`clip.${name}.projector_type`, false) ?? generic;
    if (projector === undefined) {
      m.fail(`required metadata key "clip.${name}.projector_type" is missing (expected string)`, {
        key: `clip.${name}.projector_type`,
      });
    }
    const width = m.u32(`clip.${name}.embedding_length`);
    m.u32(`clip.${name}.feed_forward_length`);
    m.u32(`clip.${name}.block_count`);
    m.u32(`clip.${name}.attention.head_count`);
    const projection = m.u32(`clip.${name}.projection_dim`);
    m.f32(`clip.${name}.attention.layer_norm_epsilon`);
    return { projector, width, projection };
  };
  if (vision) {
    const { projector, width, projection } = section('vision');
    const patch = m.u32('clip.vision.patch_size');
    m.u32('clip.vision.image_size');
    for (const key of ['clip.vision.image_mean', 'clip.vision.image_std']) {
      const values = m.array(key, ['array<f32>'], false);
      if (values && values.length < 3) m.fail(`"${key}" has ${values.length} values, expected 3`, { key });
    }
    if (projector === 'gemma4uv') {
      const scale = m.u32('clip.vision.projector.scale_factor', false) ?? 3;
      const patchValues = (patch * scale) ** 2 * 3;
      specs.push(
        { name: 'v.patch_embd.weight', dimensions: [patchValues, width], required: true },
        { name: 'v.patch_embd.bias', dimensions: [width], required: true },
        { name: 'v.patch_norm.1.weight', dimensions: [patchValues], required: true },
        { name: 'v.patch_norm.1.bias', dimensions: [patchValues], required: true },
        { name: 'v.patch_norm.2.weight', dimensions: [width], required: true },
        { name: 'v.patch_norm.2.bias', dimensions: [width], required: true },
        { name: 'v.patch_norm.3.weight', dimensions: [width], required: true },
        { name: 'v.patch_norm.3.bias', dimensions: [width], required: true },
        { name: 'v.position_embd.weight', dimensions: [width, -1, 2], required: true },
        { name: 'mm.input_projection.weight', dimensions: [width, projection], required: true },
      );
    } else {
      known = false;
    }
  }
  if (audio) {
    const { projector, projection } = section('audio');
    const frame = m.u32('clip.audio.num_mel_bins');
    if (projector === 'gemma4ua') {
      specs.push({ name: 'mm.a.input_projection.weight', dimensions: [frame, projection], required: true });
    } else {
      known = false;
    }
  }
  return known ? specs : undefined;
}

const FLOAT_TYPES = ['F32', 'F16', 'BF16'];
/** Types llama.cpp stores weights in and multiplies / looks rows up in (not the I* and F64 types, nor Q8_1/Q8_K, which only exist as its internal dot-product operands). */
const WEIGHT_TYPES = [
  ...FLOAT_TYPES,
  ...['Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K'],
  ...['IQ2_XXS', 'IQ2_XS', 'IQ3_XXS', 'IQ1_S', 'IQ4_NL', 'IQ3_S', 'IQ2_S', 'IQ4_XS', 'IQ1_M'],
  ...['TQ1_0', 'TQ2_0', 'MXFP4'],
];

/**
 * The ggml types llama.cpp can use for a tensor, by what it does with it. Norm weights, biases,
 * `layer_output_scale` and `rope_freqs` are the second operand of an element-wise MUL/ADD (or of
 * RoPE) with an F32 activation, which the CPU kernels only implement for F32: another type loads,
 * then aborts on the first decode. The vision patch embedding is a convolution kernel (im2col wants
 * a float kernel) and the position embedding is added to F32 activations. Every other tensor is a
 * matrix llama.cpp multiplies by or takes rows from, which works for the float and quantized
 * weight types.
 */
function acceptedTypes(name: string): string[] {
  if (
    /(norm[a-z_0-9]*(\.\d+)?\.(weight|bias)|\.bias|layer_output_scale\.weight|rope_freqs\.weight)$/.test(name)
  ) {
    return ['F32'];
  }
  if (/^v\.(patch_embd|position_embd)\.weight$/.test(name)) return FLOAT_TYPES;
  return WEIGHT_TYPES;
}

/** Each tensor's ggml type is one llama.cpp accepts for that tensor, and its rows hold whole blocks. */
function checkTensorTypes(m: MetadataReader, info: GgufFileInfo): void {
  for (const tensor of info.tensors) {
    const layout = ggmlTypeLayout[tensor.type];
    const typeName = layout?.name ?? `#${tensor.type}`;
    const accepted = acceptedTypes(tensor.name);
    if (!layout || !accepted.includes(layout.name)) {
      m.fail(
        `tensor "${tensor.name}" has ggml type ${typeName}, which llama.cpp cannot use for it (accepted: ${accepted.join(', ')})`,
        { tensor: tensor.name },
      );
    }
    const columns = tensor.dimensions[0] ?? 0;
    if (columns % layout.blockSize !== 0) {
      m.fail(
        `tensor "${tensor.name}" has rows of ${columns} values, not a multiple of the ${typeName} block size ${layout.blockSize}`,
        { tensor: tensor.name },
      );
    }
  }
}

function checkTensors(m: MetadataReader, info: GgufFileInfo, specs: TensorSpec[]): void {
  checkTensorTypes(m, info);
  const present = new Map(info.tensors.map((tensor) => [tensor.name, tensor]));
  const expected = new Map(specs.map((spec) => [spec.name, spec]));
  for (const spec of specs) {
    const tensor = present.get(spec.name);
    const shape = `[${spec.dimensions.map((d) => (d < 0 ? 'any' : d)).join(', ')}]`;
    if (!tensor) {
      const replaced = spec.unlessPresent !== undefined && present.has(spec.unlessPresent);
      if (spec.required && !replaced)
        m.fail(`required tensor "${spec.name}" is missing (expected shape ${shape})`, { tensor: spec.name });
      continue;
    }
    const matches =
      tensor.dimensions.length === spec.dimensions.length &&
      spec.dimensions.every((d, i) => d < 0 || tensor.dimensions[i] === d);
    if (!matches) {
      m.fail(`tensor "${spec.name}" has shape [${tensor.dimensions.join(', ')}], expected ${shape}`, {
        tensor: spec.name,
      });
    }
  }
  for (const tensor of info.tensors) {
    if (!expected.has(tensor.name)) {
      m.fail(`unexpected tensor "${tensor.name}" (llama.cpp refuses files with tensors it does not load)`, {
        tensor: tensor.name,
      });
    }
  }
}

/**
 * Header-level checks every GGUF must pass: unique names, aligned offsets, each tensor's data right
 * after the previous one's (padded to the alignment, as llama.cpp requires), data section complete.
 */
function checkLayout(m: MetadataReader, info: GgufFileInfo): void {
  const seen = new Set<string>();
  let expectedOffset = 0;
  let end = 0;
  for (const tensor of info.tensors) {
    if (seen.has(tensor.name)) m.fail(`tensor "${tensor.name}" appears twice`, { tensor: tensor.name });
    seen.add(tensor.name);
    if (tensor.offset % info.alignment !== 0) {
      m.fail(
        `tensor "${tensor.name}" data offset ${tensor.offset} is not aligned to ${info.alignment} bytes`,
        {
          tensor: tensor.name,
        },
      );
    }
    if (tensor.offset !== expectedOffset) {
      m.fail(
        `tensor "${tensor.name}" data offset ${tensor.offset} is not where llama.cpp expects it (${expectedOffset}: right after the previous tensor's data, padded to ${info.alignment} bytes); the tensor data overlaps or has gaps`,
        { tensor: tensor.name },
      );
    }
    expectedOffset += Math.ceil(tensor.byteSize / info.alignment) * info.alignment;
    end = tensor.offset + tensor.byteSize;
  }
  const needed = info.dataOffset + end;
  if (info.fileSize < needed) {
    const last = info.tensors.find(
      (tensor) => info.dataOffset + tensor.offset + tensor.byteSize > info.fileSize,
    );
    m.fail(
      `the file is truncated: its tensor data needs ${needed} bytes but the file has ${info.fileSize}` +
        (last ? ` (tensor "${last.name}" is cut off)` : ''),
      last ? { tensor: last.name } : {},
    );
  }
}

/**
 * Validates a GGUF file's header, metadata and tensors without any native load, so a bad file
 * becomes a GgufValidationError instead of a crashed process. For `gemma4`, `gemma4-assistant` and
 * the unified `clip` mmproj it checks every key llama.cpp reads (with its exact type) and that the
 * file holds exactly the tensors llama.cpp loads, with the right shapes; for any file it checks the
 * data section is complete.
 */
export async function validateGgufFile(
  filePath: string,
  expectation: GgufExpectation = {},
): Promise<GgufFileInfo> {
  const info = await readGgufFile(filePath);
  const m = new MetadataReader(info);
  checkLayout(m, info);
  const architecture = m.string('general.architecture');
  if (expectation.architecture !== undefined && architecture !== expectation.architecture) {
    m.fail(`general.architecture is "${architecture}", expected "${expectation.architecture}"`, {
      key: 'general.architecture',
    });
  }
  let specs: TensorSpec[] | undefined;
  if (architecture === 'gemma4') {
    specs = gemma4Tensors(m, checkTokenizer(m));
  } else if (architecture === 'gemma4-assistant') {
    specs = gemma4AssistantTensors(m, checkTokenizer(m));
  } else if (architecture === 'clip') {
    specs = clipTensors(m);
  } else if (info.metadataTypes['tokenizer.ggml.model'] !== undefined) {
    checkTokenizer(m);
  }
  if (specs) checkTensors(m, info, specs);
  if (expectation.target !== undefined) await checkPairing(m, info, architecture, expectation.target);
  return info;
}

/** The drafter or mmproj must match the target's widths (and, for a drafter, its attention layout). */
async function checkPairing(m: MetadataReader, info: GgufFileInfo, architecture: string, targetPath: string) {
  const target = await validateGgufFile(targetPath, { architecture: 'gemma4' });
  const t = target.metadata;
  const width = t['gemma4.embedding_length'];
  const mismatch = (key: string, found: unknown, expected: unknown) =>
    m.fail(
      `"${key}" is ${JSON.stringify(found)} but the target ${targetPath} needs ${JSON.stringify(expected)}`,
      { key },
    );
  if (architecture === 'gemma4-assistant') {
    const p = 'gemma4-assistant';
    const same: [string, string][] = [
      [`${p}.embedding_length_out`, 'gemma4.embedding_length'],
      [`${p}.attention.head_count_kv`, 'gemma4.attention.head_count_kv'],
      [`${p}.attention.key_length`, 'gemma4.attention.key_length'],
      [`${p}.attention.key_length_swa`, 'gemma4.attention.key_length_swa'],
      [`${p}.rope.dimension_count`, 'gemma4.rope.dimension_count'],
      [`${p}.rope.dimension_count_swa`, 'gemma4.rope.dimension_count_swa'],
    ];
    for (const [own, theirs] of same) {
      if (JSON.stringify(info.metadata[own]) !== JSON.stringify(t[theirs]))
        mismatch(own, info.metadata[own], t[theirs]);
    }
    const vocab = (info.metadata['tokenizer.ggml.tokens'] as unknown[]).length;
    const targetVocab = (t['tokenizer.ggml.tokens'] as unknown[]).length;
    if (vocab !== targetVocab) mismatch('tokenizer.ggml.tokens', `${vocab} tokens`, `${targetVocab} tokens`);
    const pattern = t['gemma4.attention.sliding_window_pattern'] as boolean[];
    if (pattern.at(-2) !== true || pattern.at(-1) !== false) {
      m.fail(
        `the target ${targetPath} must end with a sliding then a full attention layer (the drafter reads their KV cache); its pattern ends ${JSON.stringify(pattern.slice(-2))}`,
        { key: 'gemma4.attention.sliding_window_pattern' },
      );
    }
  } else if (architecture === 'clip') {
    for (const section of ['vision', 'audio']) {
      const key = `clip.${section}.projection_dim`;
      if (key in info.metadata && info.metadata[key] !== width) mismatch(key, info.metadata[key], width);
    }
  }
}
