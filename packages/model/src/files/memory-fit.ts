import { freemem, totalmem } from 'node:os';
import { type GgufFileInfo, readGgufFile } from '@hearth/gguf';
import { ModelMemoryError } from '../errors/model-memory-error.js';
import { type DownloadPreset, type PresetShape, presetFiles } from './catalog.js';
import { metadataNumber, metadataPerLayer } from './gguf-summary.js';
import type { ModelSet } from './validate-set.js';

/** llama.cpp's default micro-batch (llama.node uses it; node-llama-cpp uses 513). */
const DEFAULT_MICRO_BATCH = 512;
/** llama.cpp allocates KV cells in multiples of 256. */
const KV_CELL_PADDING = 256;
/** The process around the model: Node, llama.cpp's own allocations, the chat template, etc. */
const RUNTIME_BYTES = 128 * 1024 * 1024;
/** Bytes per KV-cache element (f16, llama.cpp's default cache type). */
const KV_ELEMENT_BYTES = 2;

/** Where an estimate's numbers came from. */
export type MemoryEstimateSource = 'gguf' | 'catalog';

/** Options of an estimate. */
export interface MemoryEstimateOptions {
  /** Context size in tokens; default the training context, capped at 32768. */
  contextSize?: number;
  /** The engine's micro-batch (`n_ubatch`); default 512. Sizes the sliding-window cache and compute buffers. */
  microBatch?: number;
}

/** Memory a model set needs at a context size, in bytes, by part. */
export interface MemoryEstimate {
  contextSize: number;
  /** Read from the files' headers, or (for a preset not yet downloaded) from the catalog. */
  source: MemoryEstimateSource;
  weights: { target: number; drafter: number; mmproj: number };
  /** f16 K and V for every layer that keeps its own cache; sliding layers keep a window, not the context. */
  kvCacheBytes: number;
  /** Worst-case logits, activations and attention masks for one micro-batch. */
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

const padCells = (cells: number) => Math.ceil(cells / KV_CELL_PADDING) * KV_CELL_PADDING;

/**
 * KV cells per cache, as llama.cpp sizes them (llama-kv-cache-iswa.cpp): the full cache holds the
 * context, the sliding one the window plus one micro-batch, both padded to 256 cells.
 */
function kvCells(contextSize: number, slidingWindow: number, microBatch: number) {
  const full = padCells(contextSize);
  return { full, sliding: padCells(Math.min(full, slidingWindow + microBatch)) };
}

function kvCacheBytes(shape: KvShape, contextSize: number, microBatch: number): number {
  const cells = kvCells(contextSize, shape.slidingWindow, microBatch);
  let bytes = 0;
  for (const layer of shape.layers) {
    const tokens = layer.sliding ? cells.sliding : cells.full;
    bytes += tokens * layer.kvHeads * (layer.keyLength + layer.valueLength) * KV_ELEMENT_BYTES;
  }
  return bytes;
}

function computeBytes(
  shape: KvShape,
  widths: { vocabulary: number; hidden: number; feedForward: number },
  contextSize: number,
  microBatch: number,
): number {
  const tokens = Math.min(contextSize, microBatch);
  const cells = kvCells(contextSize, shape.slidingWindow, microBatch);
  const hasSliding = shape.layers.some((layer) => layer.sliding);
  // f32 logits for every token of the batch (llama.cpp reserves for the worst case), the widest
  // activations of one layer (FFN gate and up, a few hidden-size buffers), and an f16 attention
  // mask per cache (cells x batch), which is what makes compute grow with the context.
  const activations = tokens * 4 * (widths.vocabulary + 2 * widths.feedForward + 8 * widths.hidden);
  const masks = (cells.full + (hasSliding ? cells.sliding : 0)) * tokens * 2;
  return activations + masks;
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
  options: MemoryEstimateOptions = {},
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
  const microBatch = options.microBatch ?? DEFAULT_MICRO_BATCH;
  const shape = kvShapeFromGguf(target);
  return total({
    contextSize,
    source: 'gguf',
    weights: { target: weightsOf(target), drafter: weightsOf(drafter), mmproj: weightsOf(mmproj) },
    kvCacheBytes: kvCacheBytes(shape, contextSize, microBatch),
    computeBytes: computeBytes(shape, { vocabulary, hidden, feedForward }, contextSize, microBatch),
    runtimeBytes: RUNTIME_BYTES,
  });
}

/** The same estimate for a download preset before anything is downloaded, from the catalog's data. */
export function estimatePresetMemory(
  preset: DownloadPreset,
  options: MemoryEstimateOptions & { quantization?: string } = {},
): MemoryEstimate {
  const files = presetFiles(preset, options.quantization);
  const contextSize = options.contextSize ?? Math.min(preset.contextLength, 32768);
  const microBatch = options.microBatch ?? DEFAULT_MICRO_BATCH;
  const { shape } = preset;
  const kvShape = kvShapeFromPreset(shape);
  return total({
    contextSize,
    source: 'catalog',
    weights: {
      target: files.target.approximateBytes,
      drafter: files.drafter?.approximateBytes ?? 0,
      mmproj: files.mmproj?.approximateBytes ?? 0,
    },
    kvCacheBytes: kvCacheBytes(kvShape, contextSize, microBatch),
    computeBytes: computeBytes(
      kvShape,
      {
        vocabulary: shape.vocabularySize,
        hidden: shape.embeddingLength,
        feedForward: shape.feedForwardLength,
      },
      contextSize,
      microBatch,
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
  options: MemoryEstimateOptions & { machine?: { totalBytes: number; availableBytes: number } } = {},
): Promise<MemoryFit> {
  const fit = judgeMemoryFit(await estimateModelSetMemory(set, options), options.machine);
  if (fit.verdict === 'too-big') {
    throw new ModelMemoryError(
      `The model needs about ${formatBytes(fit.totalBytes)} at a context of ${fit.contextSize} tokens ` +
        `(weights ${formatBytes(fit.weights.target + fit.weights.drafter + fit.weights.mmproj)}, KV cache ` +
        `${formatBytes(fit.kvCacheBytes)}), but this machine has ${formatBytes(fit.totalMemoryBytes)} ` +
        `(${formatBytes(fit.availableMemoryBytes)} available now), so loading it would be killed for lack of memory. ` +
        'Try a shorter context (--context-size), a smaller quantisation, or leave out the mmproj/drafter ' +
        '(`hearth models fit` compares them); --skip-memory-check loads it anyway.',
      fit.totalBytes,
      fit.totalMemoryBytes,
    );
  }
  return fit;
}

/**
 * Quantisation `auto`: the largest quantisation of a preset whose catalog estimate fits the memory
 * available now, else the largest that fits total memory (`tight`).
 *
 * @throws ModelMemoryError when even the smallest quantisation is larger than total memory.
 */
export function choosePresetQuantization(
  preset: DownloadPreset,
  options: MemoryEstimateOptions & { machine?: { totalBytes: number; availableBytes: number } } = {},
): { quantization: string; fit: MemoryFit } {
  const machine = options.machine ?? machineMemory();
  const candidates = Object.entries(preset.quantizations)
    .sort(([, a], [, b]) => b.approximateBytes - a.approximateBytes)
    .map(([quantization]) => ({
      quantization,
      fit: judgeMemoryFit(estimatePresetMemory(preset, { ...options, quantization }), machine),
    }));
  const chosen =
    candidates.find((candidate) => candidate.fit.verdict === 'fits') ??
    candidates.find((candidate) => candidate.fit.verdict === 'tight');
  if (chosen) return chosen;
  const smallest = candidates.at(-1);
  const needed = smallest?.fit.totalBytes ?? 0;
  throw new ModelMemoryError(
    `No quantisation of ${preset.name} fits this machine: the smallest (${smallest?.quantization}) needs about ` +
      `${formatBytes(needed)} at a context of ${smallest?.fit.contextSize} tokens, and there are ` +
      `${formatBytes(machine.totalBytes)}. Try a shorter context or a smaller model.`,
    needed,
    machine.totalBytes,
  );
}
