import { freemem, totalmem } from 'node:os';
import { type GgufFileInfo, readGgufFile } from '@hearth/testkit';
import { ModelMemoryError } from '../errors/model-memory-error.js';
import type { DownloadPreset, PresetShape } from './catalog.js';
import { metadataNumber, metadataPerLayer } from './gguf-summary.js';
import { presetFiles } from './resolve.js';
import type { ModelSet } from './validate-set.js';

/** llama.cpp's default micro-batch: compute buffers and the sliding-window cache are sized by it. */
const MICRO_BATCH = 512;
/** The process around the model: Node, llama.cpp's own allocations, the chat template, etc. */
const RUNTIME_BYTES = 128 * 1024 * 1024;
/** Bytes per KV-cache element (f16, llama.cpp's default cache type). */
const KV_ELEMENT_BYTES = 2;

/** Where an estimate's numbers came from. */
export type MemoryEstimateSource = 'gguf' | 'catalog';

/** Memory a model set needs at a context size, in bytes, by part. */
export interface MemoryEstimate {
  contextSize: number;
  /** Read from the files' headers, or (for a preset not yet downloaded) from the catalog. */
  source: MemoryEstimateSource;
  weights: { target: number; drafter: number; mmproj: number };
  /** f16 K and V for every layer that keeps its own cache; sliding layers keep a window, not the context. */
  kvCacheBytes: number;
  /** Worst-case activations and logits for one micro-batch of 512 tokens. */
  computeBytes: number;
  runtimeBytes: number;
  totalBytes: number;
}

/** Whether an estimate fits this machine. */
export type MemoryVerdict = 'fits' | 'tight' | 'too-big';

export interface MemoryFit extends MemoryEstimate {
  totalMemoryBytes: number;
  availableMemoryBytes: number;
  /** `fits`: within the memory free now; `tight`: only if other programs free memory; `too-big`: over total memory. */
  verdict: MemoryVerdict;
}

/** The attention shape behind a KV-cache estimate. */
interface KvShape {
  layers: { sliding: boolean; kvHeads: number; keyLength: number; valueLength: number }[];
  slidingWindow: number;
}

function kvCacheBytes(shape: KvShape, contextSize: number): number {
  const windowTokens = Math.min(contextSize, shape.slidingWindow + MICRO_BATCH);
  let bytes = 0;
  for (const layer of shape.layers) {
    const tokens = layer.sliding ? windowTokens : contextSize;
    bytes += tokens * layer.kvHeads * (layer.keyLength + layer.valueLength) * KV_ELEMENT_BYTES;
  }
  return bytes;
}

function computeBytes(
  vocabularySize: number,
  hiddenSize: number,
  feedForwardLength: number,
  contextSize: number,
) {
  const tokens = Math.min(contextSize, MICRO_BATCH);
  // f32 logits for every token of the batch (llama.cpp reserves for the worst case), plus the widest
  // activations of one layer (gate and up of the FFN, a few hidden-size buffers).
  return tokens * 4 * (vocabularySize + 2 * feedForwardLength + 8 * hiddenSize);
}

/** KV shape from a target's metadata (Gemma 4 sliding/full layers; other architectures: all full). */
function kvShapeFromGguf(info: GgufFileInfo): KvShape {
  const arch = String(info.metadata['general.architecture']);
  const blocks = metadataNumber(info, `${arch}.block_count`) ?? 0;
  const hidden = metadataNumber(info, `${arch}.embedding_length`) ?? 0;
  const heads = metadataPerLayer(info, `${arch}.attention.head_count`, blocks) ?? [];
  const kvHeads = metadataPerLayer(info, `${arch}.attention.head_count_kv`, blocks) ?? heads;
  const pattern = info.metadata[`${arch}.attention.sliding_window_pattern`];
  const shared = metadataNumber(info, `${arch}.attention.shared_kv_layers`) ?? 0;
  const keyFull = metadataNumber(info, `${arch}.attention.key_length`);
  const valueFull = metadataNumber(info, `${arch}.attention.value_length`) ?? keyFull;
  const keySliding = metadataNumber(info, `${arch}.attention.key_length_swa`) ?? keyFull;
  const valueSliding = metadataNumber(info, `${arch}.attention.value_length_swa`) ?? keySliding;
  const layers: KvShape['layers'] = [];
  // Trailing shared-KV layers read an earlier layer's cache and keep none of their own.
  for (let i = 0; i < blocks - shared; i++) {
    const sliding = Array.isArray(pattern) ? pattern[i] === true : false;
    const fallbackHead = hidden / Math.max(1, heads[i] ?? 1);
    layers.push({
      sliding,
      kvHeads: kvHeads[i] ?? 0,
      keyLength: (sliding ? keySliding : keyFull) ?? fallbackHead,
      valueLength: (sliding ? valueSliding : valueFull) ?? fallbackHead,
    });
  }
  return { layers, slidingWindow: metadataNumber(info, `${arch}.attention.sliding_window`) ?? 0 };
}

function kvShapeFromPreset(shape: PresetShape): KvShape {
  const layers: KvShape['layers'] = [];
  const own = shape.blockCount - shape.sharedKvLayers;
  const slidingRatio = shape.slidingLayers / shape.blockCount;
  for (let i = 0; i < own; i++) {
    // Spread the full-attention layers evenly, as Gemma's sliding patterns do.
    const sliding = Math.floor((i + 1) * slidingRatio) !== Math.floor(i * slidingRatio);
    const head = sliding ? shape.keyLengthSwa : shape.keyLength;
    layers.push({ sliding, kvHeads: shape.headCountKv, keyLength: head, valueLength: head });
  }
  return { layers, slidingWindow: shape.slidingWindow };
}

function weightsOf(info: GgufFileInfo | undefined): number {
  return info ? info.tensors.reduce((sum, tensor) => sum + tensor.byteSize, 0) : 0;
}

function total(estimate: Omit<MemoryEstimate, 'totalBytes'>): MemoryEstimate {
  const { target, drafter, mmproj } = estimate.weights;
  return {
    ...estimate,
    totalBytes:
      target + drafter + mmproj + estimate.kvCacheBytes + estimate.computeBytes + estimate.runtimeBytes,
  };
}

/**
 * Estimates the memory a set of local files needs at `contextSize` (default: the model's training
 * context, capped at 32768), from the GGUF headers alone: tensor sizes for the weights, the
 * attention shape for the KV cache, vocabulary and layer widths for compute buffers.
 */
export async function estimateModelSetMemory(
  set: Pick<ModelSet, 'target' | 'drafter' | 'mmproj'>,
  options: { contextSize?: number } = {},
): Promise<MemoryEstimate> {
  const target = await readGgufFile(set.target);
  const drafter = set.drafter ? await readGgufFile(set.drafter) : undefined;
  const mmproj = set.mmproj ? await readGgufFile(set.mmproj) : undefined;
  const arch = String(target.metadata['general.architecture']);
  const trained = metadataNumber(target, `${arch}.context_length`) ?? 4096;
  const contextSize = options.contextSize ?? Math.min(trained, 32768);
  const hidden = metadataNumber(target, `${arch}.embedding_length`) ?? 0;
  const blocks = metadataNumber(target, `${arch}.block_count`) ?? 0;
  const feedForward = Math.max(...(metadataPerLayer(target, `${arch}.feed_forward_length`, blocks) ?? [0]));
  const tokens = target.metadata['tokenizer.ggml.tokens'];
  const vocabulary = Array.isArray(tokens) ? tokens.length : 0;
  return total({
    contextSize,
    source: 'gguf',
    weights: { target: weightsOf(target), drafter: weightsOf(drafter), mmproj: weightsOf(mmproj) },
    kvCacheBytes: kvCacheBytes(kvShapeFromGguf(target), contextSize),
    computeBytes: computeBytes(vocabulary, hidden, feedForward, contextSize),
    runtimeBytes: RUNTIME_BYTES,
  });
}

/** The same estimate for a download preset before anything is downloaded, from the catalog's data. */
export function estimatePresetMemory(
  preset: DownloadPreset,
  options: { contextSize?: number; quantization?: string } = {},
): MemoryEstimate {
  const files = presetFiles(preset, options.quantization);
  const contextSize = options.contextSize ?? Math.min(preset.contextLength, 32768);
  const { shape } = preset;
  return total({
    contextSize,
    source: 'catalog',
    weights: {
      target: files.target.approximateBytes,
      drafter: files.drafter?.approximateBytes ?? 0,
      mmproj: files.mmproj?.approximateBytes ?? 0,
    },
    kvCacheBytes: kvCacheBytes(kvShapeFromPreset(shape), contextSize),
    computeBytes: computeBytes(
      shape.vocabularySize,
      shape.embeddingLength,
      shape.feedForwardLength,
      contextSize,
    ),
    runtimeBytes: RUNTIME_BYTES,
  });
}

/** This machine's memory: total and available now (Linux: MemAvailable). */
export function machineMemory(): { totalBytes: number; availableBytes: number } {
  return { totalBytes: totalmem(), availableBytes: freemem() };
}

/** Compares an estimate with a machine's memory (default: this one). */
export function judgeMemoryFit(
  estimate: MemoryEstimate,
  machine: { totalBytes: number; availableBytes: number } = machineMemory(),
): MemoryFit {
  const verdict: MemoryVerdict =
    estimate.totalBytes <= machine.availableBytes
      ? 'fits'
      : estimate.totalBytes <= machine.totalBytes
        ? 'tight'
        : 'too-big';
  return {
    ...estimate,
    totalMemoryBytes: machine.totalBytes,
    availableMemoryBytes: machine.availableBytes,
    verdict,
  };
}

/** `1.23 GiB`, `456.7 MiB`, `12.0 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/**
 * The memory-fit check to run before loading a set: estimates it and throws when it is larger than
 * this machine's total memory. Returns the fit (`tight` means it loads only if other programs give
 * memory back).
 *
 * @throws ModelMemoryError with the estimate and what to try instead.
 */
export async function checkModelSetFits(
  set: Pick<ModelSet, 'target' | 'drafter' | 'mmproj'>,
  options: { contextSize?: number; machine?: { totalBytes: number; availableBytes: number } } = {},
): Promise<MemoryFit> {
  const fit = judgeMemoryFit(await estimateModelSetMemory(set, options), options.machine);
  if (fit.verdict === 'too-big') {
    throw new ModelMemoryError(
      `The model needs about ${formatBytes(fit.totalBytes)} at a context of ${fit.contextSize} tokens ` +
        `(weights ${formatBytes(fit.weights.target + fit.weights.drafter + fit.weights.mmproj)}, KV cache ` +
        `${formatBytes(fit.kvCacheBytes)}), but this machine has ${formatBytes(fit.totalMemoryBytes)}. ` +
        'Try a smaller quantisation, a shorter context, or leave out the mmproj/drafter (`hearth models fit` compares them).',
      fit.totalBytes,
      fit.totalMemoryBytes,
    );
  }
  return fit;
}
