import { HearthError } from '@hearth/engine';

/** Where in the file the problem is. */
export interface GgufValidationErrorDetails {
  filePath: string;
  key?: string;
  tensor?: string;
}

/**
 * Thrown by `readGgufFile` and `validateGgufFile` when a file is missing, is not GGUF, is truncated,
 * or lacks (or mistypes) a metadata key or tensor that llama.cpp needs. llama.node kills the whole
 * process on such files, so callers validate first and show this message instead. Code
 * `GGUF_INVALID`.
 */
export class GgufValidationError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['GGUF_INVALID'] as const;
  readonly filePath: string;
  readonly key: string | undefined;
  readonly tensor: string | undefined;

  constructor(message: string, details: GgufValidationErrorDetails) {
    super('GGUF_INVALID', message);
    this.filePath = details.filePath;
    this.key = details.key;
    this.tensor = details.tensor;
  }
}
