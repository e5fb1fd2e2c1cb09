const GGUF_VALIDATION_ERROR = Symbol.for('@hearth/gguf/GgufValidationError');

/** Where in the file the problem is. */
export interface GgufValidationErrorDetails {
  filePath: string;
  key?: string;
  tensor?: string;
}

/**
 * Thrown by `readGgufFile` and `validateGgufFile` when a file is missing, is not GGUF, is truncated,
 * or lacks (or mistypes) a metadata key or tensor that llama.cpp needs. llama.node kills the whole
 * process on such files, so callers validate first and show this message instead.
 */
export class GgufValidationError extends Error {
  override readonly name = 'GgufValidationError';
  readonly filePath: string;
  readonly key: string | undefined;
  readonly tensor: string | undefined;
  readonly [GGUF_VALIDATION_ERROR] = true;

  constructor(message: string, details: GgufValidationErrorDetails) {
    super(message);
    this.filePath = details.filePath;
    this.key = details.key;
    this.tensor = details.tensor;
  }

  /** True for a GgufValidationError, even one from another copy of this package. */
  static isInstance(value: unknown): value is GgufValidationError {
    return typeof value === 'object' && value !== null && GGUF_VALIDATION_ERROR in value;
  }
}
