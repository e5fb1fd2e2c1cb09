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
export type { ModelFileSummary } from './gguf-summary.js';
export { hearthHome, modelCacheDir } from './home.js';
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
export {
  type ModelSpec,
  type ResolveModelSetOptions,
  resolveModelSet,
} from './resolve.js';
export { type ModelSet, type ModelSetInfo, validateModelSet } from './validate-set.js';
