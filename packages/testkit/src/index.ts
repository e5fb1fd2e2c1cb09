export {
  type CycleOptions,
  defaultTestkitDir,
  makeTestkitFamily,
  makeTestkitModel,
  type TestkitModelName,
  type TestkitOptions,
  testkitModelNames,
} from './family.js';
export { GgufValidationError } from './gguf/gguf-validation-error.js';
export { readGgufFile } from './gguf/reader.js';
export type {
  GgmlTypeName,
  GgufFileInfo,
  GgufScalar,
  GgufTensorInfo,
  GgufTypeName,
  GgufValue,
} from './gguf/types.js';
export { type GgufExpectation, validateGgufFile } from './gguf/validate.js';
// Media fixtures and codecs (PNG/WAV, Chromium launcher, espeak-ng speech): see src/media/index.ts.
export * from './media/index.js';
export { expectedCycleText } from './models/cycle.js';
