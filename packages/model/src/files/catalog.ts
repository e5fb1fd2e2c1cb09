import { ModelNotFoundError } from '../errors/model-not-found-error.js';

/**
 * The model catalog: named presets that resolve to a target, an optional MTP drafter and an
 * optional mmproj. Written as data so `hearth models list|info|fit` can describe a preset (and
 * estimate its memory) before anything is downloaded.
 *
 * The Hugging Face presets point at published GGUF repositories. Sizes, shapes and file names were
 * written from the model cards and could not be checked against the Hub from the machines this was
 * built on; once a file is downloaded its own GGUF metadata replaces them everywhere.
 */

/** One downloadable file of a preset. */
export interface PresetFile {
  /** `hf:<user>/<repo>/<file>` URI (or an http(s) URL). */
  uri: string;
  /** Approximate size in bytes, for `list` and `fit` before the download. */
  approximateBytes: number;
  /** SHA-256 of the file; when set, a download is checked against it. */
  sha256?: string;
}

/**
 * The attention shape of a target, enough to estimate its KV cache without the file. Field names
 * follow the GGUF keys they stand for.
 */
export interface PresetShape {
  blockCount: number;
  embeddingLength: number;
  /** Layers that use sliding-window attention (the rest attend over the full context). */
  slidingLayers: number;
  headCountKv: number;
  /** Head size of full-attention layers (`attention.key_length` = `value_length`). */
  keyLength: number;
  /** Head size of sliding layers (`attention.key_length_swa`). */
  keyLengthSwa: number;
  slidingWindow: number;
  /** Trailing layers that reuse earlier layers' KV cache (`attention.shared_kv_layers`). */
  sharedKvLayers: number;
  feedForwardLength: number;
  vocabularySize: number;
}

interface PresetBase {
  name: string;
  description: string;
  /** Training context length. */
  contextLength: number;
  capabilities: { vision: boolean; audio: boolean; mtp: boolean; moe: boolean };
}

/** A preset whose files are downloaded (from Hugging Face). */
export interface DownloadPreset extends PresetBase {
  source: 'download';
  /** Human-readable parameter count, e.g. `12B`. */
  parameters: string;
  defaultQuantization: string;
  /** Target file per quantisation name (`Q4_0`, `Q8_0`, ...). */
  quantizations: Record<string, PresetFile>;
  drafter?: PresetFile;
  mmproj?: PresetFile;
  shape: PresetShape;
}

/** Names of the files `@hearth/testkit` generates. */
export type TestkitFileName =
  | 'tiny'
  | 'tiny-moe'
  | 'tiny-assistant'
  | 'tiny-mmproj'
  | 'cycle'
  | 'cycle-assistant';

/** A preset whose files are generated on demand by `@hearth/testkit` (tests, offline demos). */
export interface TestkitPreset extends PresetBase {
  source: 'testkit';
  target: TestkitFileName;
  drafter?: TestkitFileName;
  mmproj?: TestkitFileName;
}

export type ModelPreset = DownloadPreset | TestkitPreset;

const GB = 1e9;
const MB = 1e6;

/** Gemma 4 12B: one target, its MTP assistant and the unified (vision + audio) mmproj. */
const gemma12bRepo = 'hf:unsloth/gemma-4-12B-it-qat-GGUF';
const gemma12bShape: PresetShape = {
  blockCount: 48,
  embeddingLength: 3840,
  slidingLayers: 40,
  headCountKv: 8,
  keyLength: 256,
  keyLengthSwa: 256,
  slidingWindow: 1024,
  sharedKvLayers: 0,
  feedForwardLength: 15360,
  vocabularySize: 262144,
};
const gemma12bQuantizations: Record<string, PresetFile> = {
  Q4_0: { uri: `${gemma12bRepo}/gemma-4-12B-it-qat-Q4_0.gguf`, approximateBytes: 7.2 * GB },
  Q4_K_M: { uri: `${gemma12bRepo}/gemma-4-12B-it-qat-Q4_K_M.gguf`, approximateBytes: 7.5 * GB },
  Q8_0: { uri: `${gemma12bRepo}/gemma-4-12B-it-qat-Q8_0.gguf`, approximateBytes: 12.6 * GB },
};
const gemma12bDrafter: PresetFile = {
  uri: `${gemma12bRepo}/gemma-4-12B-it-assistant-Q8_0.gguf`,
  approximateBytes: 0.45 * GB,
};
const gemma12bMmproj: PresetFile = { uri: `${gemma12bRepo}/mmproj-F16.gguf`, approximateBytes: 60 * MB };

const gemma26bRepo = 'hf:unsloth/gemma-4-26B-A4B-it-GGUF';
const gemmaE4bRepo = 'hf:unsloth/gemma-4-E4B-it-GGUF';

/** Every preset, in the order `hearth models list` shows them. */
export const modelPresets: readonly ModelPreset[] = [
  {
    name: 'gemma-4-12b',
    source: 'download',
    description: 'Gemma 4 12B: text, image and audio input, MTP drafter for faster text decoding',
    parameters: '12B',
    contextLength: 131072,
    capabilities: { vision: true, audio: true, mtp: true, moe: false },
    defaultQuantization: 'Q4_0',
    quantizations: gemma12bQuantizations,
    drafter: gemma12bDrafter,
    mmproj: gemma12bMmproj,
    shape: gemma12bShape,
  },
  {
    name: 'gemma-4-12b-mtp',
    source: 'download',
    description: 'Gemma 4 12B, text only, with the MTP drafter (no mmproj: smaller download and memory)',
    parameters: '12B',
    contextLength: 131072,
    capabilities: { vision: false, audio: false, mtp: true, moe: false },
    defaultQuantization: 'Q4_0',
    quantizations: gemma12bQuantizations,
    drafter: gemma12bDrafter,
    shape: gemma12bShape,
  },
  {
    name: 'gemma-4-26b-a4b',
    source: 'download',
    description:
      'Gemma 4 26B-A4B mixture of experts (~4B active): the quality baseline; image input, no audio',
    parameters: '26B (4B active)',
    contextLength: 131072,
    capabilities: { vision: true, audio: false, mtp: false, moe: true },
    defaultQuantization: 'Q4_K_M',
    quantizations: {
      Q4_K_M: { uri: `${gemma26bRepo}/gemma-4-26B-A4B-it-Q4_K_M.gguf`, approximateBytes: 16.9 * GB },
      Q8_0: { uri: `${gemma26bRepo}/gemma-4-26B-A4B-it-Q8_0.gguf`, approximateBytes: 27.6 * GB },
    },
    mmproj: { uri: `${gemma26bRepo}/mmproj-F16.gguf`, approximateBytes: 60 * MB },
    shape: {
      blockCount: 30,
      embeddingLength: 2816,
      slidingLayers: 25,
      headCountKv: 8,
      keyLength: 512,
      keyLengthSwa: 256,
      slidingWindow: 1024,
      sharedKvLayers: 0,
      feedForwardLength: 2112,
      vocabularySize: 262144,
    },
  },
  {
    name: 'gemma-4-e4b',
    source: 'download',
    description: 'Gemma 4 E4B: small on-device model with per-layer embeddings; image and audio input',
    parameters: 'E4B (8B with embeddings)',
    contextLength: 131072,
    capabilities: { vision: true, audio: true, mtp: false, moe: false },
    defaultQuantization: 'Q4_K_M',
    quantizations: {
      Q4_K_M: { uri: `${gemmaE4bRepo}/gemma-4-E4B-it-Q4_K_M.gguf`, approximateBytes: 5.0 * GB },
      Q8_0: { uri: `${gemmaE4bRepo}/gemma-4-E4B-it-Q8_0.gguf`, approximateBytes: 8.2 * GB },
    },
    mmproj: { uri: `${gemmaE4bRepo}/mmproj-F16.gguf`, approximateBytes: 40 * MB },
    shape: {
      blockCount: 42,
      embeddingLength: 2560,
      slidingLayers: 35,
      headCountKv: 2,
      keyLength: 512,
      keyLengthSwa: 256,
      slidingWindow: 512,
      sharedKvLayers: 18,
      feedForwardLength: 10240,
      vocabularySize: 262144,
    },
  },
  {
    name: 'tiny',
    source: 'testkit',
    description:
      'testkit: tiny random-weight Gemma 4 with MTP drafter and unified mmproj (< 2 MB, generated)',
    contextLength: 8192,
    capabilities: { vision: true, audio: true, mtp: true, moe: false },
    target: 'tiny',
    drafter: 'tiny-assistant',
    mmproj: 'tiny-mmproj',
  },
  {
    name: 'tiny-mtp',
    source: 'testkit',
    description: 'testkit: tiny Gemma 4 with its MTP drafter, text only (generated)',
    contextLength: 8192,
    capabilities: { vision: false, audio: false, mtp: true, moe: false },
    target: 'tiny',
    drafter: 'tiny-assistant',
  },
  {
    name: 'tiny-moe',
    source: 'testkit',
    description: 'testkit: tiny mixture-of-experts Gemma 4 (26B-A4B shape) with unified mmproj (generated)',
    contextLength: 8192,
    capabilities: { vision: true, audio: true, mtp: false, moe: true },
    target: 'tiny-moe',
    mmproj: 'tiny-mmproj',
  },
  {
    name: 'cycle',
    source: 'testkit',
    description:
      'testkit: designed-weight Gemma 4 that writes "abc...z" repeatedly, with MTP drafter (generated)',
    contextLength: 8192,
    capabilities: { vision: false, audio: false, mtp: true, moe: false },
    target: 'cycle',
    drafter: 'cycle-assistant',
  },
];

/** The preset with this name (case-insensitive), or undefined. */
export function findModelPreset(name: string): ModelPreset | undefined {
  const wanted = name.toLowerCase();
  return modelPresets.find((preset) => preset.name === wanted);
}

/** Levenshtein distance: the fewest one-character insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previousRow = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previousRow[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(substitution, (previousRow[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1));
    }
    previousRow = row;
  }
  return previousRow[b.length] ?? 0;
}

/**
 * The preset name a mistyped name most likely meant (`gemma-4-12` -> `gemma-4-12b`, `tinyy` ->
 * `tiny`), or undefined when none is close: a suggestion more than a third of the name away (at
 * least 2 edits allowed) would be noise rather than help.
 */
export function closestPresetName(name: string): string | undefined {
  const wanted = name.toLowerCase();
  const allowed = Math.max(2, Math.floor(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const preset of modelPresets) {
    const distance = editDistance(wanted, preset.name);
    if (distance <= allowed && (!best || distance < best.distance)) best = { name: preset.name, distance };
  }
  return best?.name;
}

/**
 * Splits `name:QUANT` into a preset and a quantisation (`gemma-4-12b:Q8_0`). Returns undefined when
 * `name` is not a preset.
 */
export function parsePresetSpec(spec: string): { preset: ModelPreset; quantization?: string } | undefined {
  const colon = spec.lastIndexOf(':');
  const direct = findModelPreset(spec);
  if (direct) return { preset: direct };
  if (colon <= 0) return undefined;
  const preset = findModelPreset(spec.slice(0, colon));
  return preset ? { preset, quantization: spec.slice(colon + 1) } : undefined;
}

/** A preset's files, after quantisation choice: what `list`, `pull` and `fit` talk about. */
export interface PresetFiles {
  target: PresetFile;
  quantization: string;
  drafter?: PresetFile;
  mmproj?: PresetFile;
}

/** Picks a download preset's files for a quantisation (default: the preset's default). */
export function presetFiles(preset: DownloadPreset, quantization?: string): PresetFiles {
  const wanted = (quantization ?? preset.defaultQuantization).toUpperCase();
  const target = preset.quantizations[wanted];
  if (!target) {
    throw new ModelNotFoundError(
      'MODEL_UNKNOWN_QUANTIZATION',
      `${preset.name}:${quantization}`,
      `Preset ${preset.name} has no quantisation "${quantization}"; available: ${Object.keys(preset.quantizations).join(', ')}`,
    );
  }
  return {
    target,
    quantization: wanted,
    ...(preset.drafter ? { drafter: preset.drafter } : {}),
    ...(preset.mmproj ? { mmproj: preset.mmproj } : {}),
  };
}
