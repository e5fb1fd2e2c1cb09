// @hearth/gguf: GGUF v3 files in pure JS. The validator runs before every native model load, since
// llama.cpp kills its process on a malformed file; the writer serves the testkit's generated models.
export { GgufValidationError } from './gguf-validation-error.js';
export { readGgufFile } from './reader.js';
export {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  type GgmlTypeName,
  type GgufFileInfo,
  type GgufMetadataEntry,
  type GgufScalar,
  type GgufTensorInfo,
  type GgufTypeName,
  type GgufValue,
} from './types.js';
export { type GgufExpectation, validateGgufFile } from './validate.js';
export { encodeGguf, type GgufTensorInput, meta } from './writer.js';
