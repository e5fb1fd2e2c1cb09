import { stat } from 'node:fs/promises';
import { basename, resolve as resolvePath } from 'node:path';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import {
  closestPresetName,
  modelPresets,
  type PresetFile,
  parsePresetSpec,
  presetFiles,
  type TestkitFileName,
  type TestkitPreset,
} from './catalog.js';
import {
  type DownloadModelFileOptions,
  type DownloadProgress,
  downloadModelFile,
  isRemoteModelUri,
} from './download.js';
import { generateModelFile } from './generated-models.js';
import { choosePresetQuantization } from './memory-fit.js';
import type { ModelSet } from './validate-set.js';

/** What to load: a preset (optionally `name:QUANT`), an `hf:` URI, an http(s) URL or a local path. */
export interface ModelSpec {
  model: string;
  /** MTP drafter: overrides the preset's. */
  drafter?: string;
  /** Multimodal projector: overrides the preset's. */
  mmproj?: string;
  /**
   * Quantisation of a preset's target (`Q4_0`, `Q8_0`, ...; same as `model: 'name:QUANT'`), or `auto`:
   * the largest that fits this machine's memory.
   */
  quantization?: string;
}

export interface ResolveModelSetOptions {
  onProgress?: (event: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Use only cached and local files (default: `HEARTH_OFFLINE=1`). */
  offline?: boolean;
  /** Context size the quantisation `auto` is chosen for (default: training context, at most 32768). */
  contextSize?: number;
  /** Passed to `downloadModelFile` (cache directory, timeouts, Hugging Face endpoint). */
  download?: Omit<DownloadModelFileOptions, 'onProgress' | 'signal' | 'offline' | 'expected'>;
}

async function resolveLocalFile(spec: string, role: string): Promise<string> {
  const path = resolvePath(spec);
  try {
    if ((await stat(path)).isFile()) return path;
  } catch {
    // fall through to the error below
  }
  const looksLikeName = !/[/\\]|\.gguf$/i.test(spec);
  if (!looksLikeName)
    throw new ModelNotFoundError(
      'MODEL_FILE_NOT_FOUND',
      spec,
      `No ${role} file at ${path}. Check the path, or use a preset (\`hearth models list\`) or an hf: URI.`,
    );
  const closest = closestPresetName(spec);
  throw new ModelNotFoundError(
    'MODEL_UNKNOWN_PRESET',
    spec,
    `Unknown model "${spec}" (${role}): not a preset and no such file.${closest ? ` Did you mean ${closest}?` : ''} ` +
      `Presets: ${modelPresets.map((preset) => preset.name).join(', ')}; or pass an hf: URI, a URL or a .gguf path.`,
  );
}

/** One file of a set: remote -> downloaded/cached path, local -> absolute path. */
async function resolveFile(
  spec: string,
  role: string,
  options: ResolveModelSetOptions,
  expected?: PresetFile,
): Promise<string> {
  if (!isRemoteModelUri(spec)) return resolveLocalFile(spec, role);
  return downloadModelFile(spec, {
    ...options.download,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.offline !== undefined ? { offline: options.offline } : {}),
    ...(expected?.sha256 ? { expected: { sha256: expected.sha256 } } : {}),
  });
}

async function resolveTestkitPreset(preset: TestkitPreset, spec: ModelSpec, options: ResolveModelSetOptions) {
  const drafter = spec.drafter ?? preset.drafter;
  const mmproj = spec.mmproj ?? preset.mmproj;
  const fileFor = (value: string, role: string) =>
    value === preset.drafter || value === preset.mmproj
      ? generateModelFile(value as TestkitFileName)
      : resolveFile(value, role, options);
  return {
    name: preset.name,
    target: await generateModelFile(preset.target),
    ...(drafter ? { drafter: await fileFor(drafter, 'drafter') } : {}),
    ...(mmproj ? { mmproj: await fileFor(mmproj, 'mmproj') } : {}),
  };
}

/**
 * Turns a model spec into local files, downloading what is missing: presets (`gemma-4-12b`,
 * `gemma-4-12b:Q8_0`, `tiny`, ...; testkit presets are made by the generator given to `registerModelFileGenerator`),
 * `hf:` URIs, http(s) URLs and local paths. Explicit `drafter`/`mmproj` replace a preset's.
 * Files are not validated here: call `validateModelSet` before loading.
 *
 * @throws ModelNotFoundError for an unknown preset or quantisation, or a missing local file.
 * @throws ModelOfflineError / ModelDownloadError from downloads.
 */
export async function resolveModelSet(
  spec: ModelSpec,
  options: ResolveModelSetOptions = {},
): Promise<ModelSet> {
  const parsed = parsePresetSpec(spec.model);
  if (parsed?.preset.source === 'testkit') {
    if (parsed.quantization ?? spec.quantization) {
      throw new ModelNotFoundError(
        'MODEL_UNKNOWN_QUANTIZATION',
        spec.model,
        `Testkit preset ${parsed.preset.name} has a single generated file set; drop the quantisation`,
      );
    }
    return resolveTestkitPreset(parsed.preset, spec, options);
  }
  if (parsed?.preset.source === 'download') {
    const wanted = spec.quantization ?? parsed.quantization;
    const quantization =
      wanted?.toLowerCase() === 'auto'
        ? choosePresetQuantization(
            parsed.preset,
            options.contextSize ? { contextSize: options.contextSize } : {},
          ).quantization
        : wanted;
    const files = presetFiles(parsed.preset, quantization);
    const target = await resolveFile(files.target.uri, 'target', options, files.target);
    // An explicit drafter/mmproj replaces the preset's file, and with it the catalog's checksum.
    const drafter = spec.drafter ?? files.drafter?.uri;
    const mmproj = spec.mmproj ?? files.mmproj?.uri;
    const catalogFile = (role: 'drafter' | 'mmproj') => (spec[role] ? undefined : files[role]);
    return {
      name: parsed.preset.name,
      target,
      ...(drafter ? { drafter: await resolveFile(drafter, 'drafter', options, catalogFile('drafter')) } : {}),
      ...(mmproj ? { mmproj: await resolveFile(mmproj, 'mmproj', options, catalogFile('mmproj')) } : {}),
    };
  }
  const target = await resolveFile(spec.model, 'model', options);
  return {
    name: basename(target).replace(/\.gguf$/i, ''),
    target,
    ...(spec.drafter ? { drafter: await resolveFile(spec.drafter, 'drafter', options) } : {}),
    ...(spec.mmproj ? { mmproj: await resolveFile(spec.mmproj, 'mmproj', options) } : {}),
  };
}
