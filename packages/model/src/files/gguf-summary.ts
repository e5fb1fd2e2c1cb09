import type { GgufFileInfo, GgufValue } from '@hearth/gguf';
import { GgmlType } from 'node-llama-cpp';

/** What one GGUF file holds, read from its header (no weights are loaded). */
export interface ModelFileSummary {
  filePath: string;
  fileSize: number;
  /** `general.architecture`: `gemma4`, `gemma4-assistant`, `clip`, ... */
  architecture: string;
  /** `general.name`, when set. */
  modelName: string | undefined;
  tensorCount: number;
  parameterCount: number;
  /** Sum of the tensors' data sizes: what the weights take in memory. */
  weightsBytes: number;
  /** Dominant tensor type by bytes (`Q4_0`, `Q8_0`, `F16`, ...). */
  quantization: string;
  /** Training context length (`<arch>.context_length`). */
  contextLength: number | undefined;
  /** `<arch>.embedding_length`; for an mmproj, the text hidden size it projects into. */
  hiddenSize: number | undefined;
  vocabularySize: number | undefined;
  blockCount: number | undefined;
  /** mmproj only: which encoders it carries. */
  vision: boolean;
  audio: boolean;
}

/** Reads a metadata number (u32, u64 as bigint, ...) or undefined. */
export function metadataNumber(info: GgufFileInfo, key: string): number | undefined {
  const value = info.metadata[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** A per-layer metadata value (a scalar for all layers, or one entry per layer), as an array. */
export function metadataPerLayer(info: GgufFileInfo, key: string, layers: number): number[] | undefined {
  const value: GgufValue | undefined = info.metadata[key];
  if (Array.isArray(value)) return value.map(Number);
  if (value === undefined) return undefined;
  return Array.from({ length: layers }, () => Number(value));
}

function elementCount(dimensions: number[]): number {
  return dimensions.reduce((product, dimension) => product * dimension, 1);
}

/** Summarises a file read by `readGgufFile`/`validateGgufFile`. */
export function summarizeGgufFile(info: GgufFileInfo): ModelFileSummary {
  const architecture = String(info.metadata['general.architecture'] ?? 'unknown');
  const bytesByType = new Map<number, number>();
  let parameterCount = 0;
  let weightsBytes = 0;
  for (const tensor of info.tensors) {
    parameterCount += elementCount(tensor.dimensions);
    weightsBytes += tensor.byteSize;
    bytesByType.set(tensor.type, (bytesByType.get(tensor.type) ?? 0) + tensor.byteSize);
  }
  const dominant = [...bytesByType.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const quantization = dominant === undefined ? 'none' : (GgmlType[dominant] ?? `type ${dominant}`);
  const isClip = architecture === 'clip';
  const tokens = info.metadata['tokenizer.ggml.tokens'];
  const vision = isClip && info.metadata['clip.has_vision_encoder'] === true;
  const audio = isClip && info.metadata['clip.has_audio_encoder'] === true;
  const projection =
    metadataNumber(info, 'clip.vision.projection_dim') ?? metadataNumber(info, 'clip.audio.projection_dim');
  const name = info.metadata['general.name'];
  return {
    filePath: info.filePath,
    fileSize: info.fileSize,
    architecture,
    modelName: typeof name === 'string' ? name : undefined,
    tensorCount: info.tensors.length,
    parameterCount,
    weightsBytes,
    quantization,
    contextLength: isClip ? undefined : metadataNumber(info, `${architecture}.context_length`),
    hiddenSize: isClip ? projection : metadataNumber(info, `${architecture}.embedding_length`),
    vocabularySize: Array.isArray(tokens) ? tokens.length : undefined,
    blockCount: isClip ? undefined : metadataNumber(info, `${architecture}.block_count`),
    vision,
    audio,
  };
}
