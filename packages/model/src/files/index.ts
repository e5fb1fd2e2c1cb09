// Model files: catalog, downloads and cache, validation of model sets, memory-fit estimates.
export {
  type DownloadPreset,
  findModelPreset,
  type ModelPreset,
  modelPresets,
  type PresetFile,
  type PresetFiles,
  type PresetShape,
  presetFiles,
  type TestkitFileName,
  type TestkitPreset,
} from './catalog.js';
export {
  type DownloadModelFileOptions,
  type DownloadProgress,
  downloadModelFile,
  expectedCachePath,
  findCachedModelFile,
  isRemoteModelUri,
} from './download.js';
export {
  generateModelFile,
  type ModelFileGenerator,
  registerModelFileGenerator,
} from './generated-models.js';
export type { ModelFileSummary } from './gguf-summary.js';
export {
  checkModelSetFits,
  choosePresetQuantization,
  estimateModelSetMemory,
  estimatePresetMemory,
  formatBytes,
  judgeMemoryFit,
  type MemoryEstimate,
  type MemoryEstimateOptions,
  type MemoryEstimateSource,
  type MemoryFit,
  type MemoryVerdict,
  machineMemory,
} from './memory-fit.js';
export { modelCacheDir } from './model-cache.js';
export {
  type ModelSpec,
  type ResolveModelSetOptions,
  resolveModelSet,
} from './resolve.js';
export { type ModelSet, type ModelSetInfo, validateModelSet } from './validate-set.js';
