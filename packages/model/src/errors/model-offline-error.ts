const MODEL_OFFLINE_ERROR = Symbol.for('@hearth/model/ModelOfflineError');

/**
 * Thrown when a model file is not in the cache and cannot be downloaded: the server is unreachable
 * (connection refused, DNS failure, timeout) or offline mode was asked for. The message says where
 * to copy the file so Hearth finds it, and how to use a local file instead. `exitCode` 3 makes the
 * CLI report a model failure.
 */
export class ModelOfflineError extends Error {
  override readonly name = 'ModelOfflineError';
  /** The `hf:` URI or URL that could not be fetched. */
  readonly uri: string;
  /** Where the file would be found if copied there by hand. */
  readonly cachePath: string;
  readonly exitCode = 3;
  readonly [MODEL_OFFLINE_ERROR] = true;

  constructor(uri: string, cachePath: string, reason: string, options?: { cause?: unknown }) {
    super(
      `${reason}. ${uri} is not in the model cache. Copy the file to ${cachePath}, ` +
        'or pass a local file with --model <path>, then run again.',
      options,
    );
    this.uri = uri;
    this.cachePath = cachePath;
  }

  /** True for a ModelOfflineError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ModelOfflineError {
    return typeof value === 'object' && value !== null && MODEL_OFFLINE_ERROR in value;
  }
}
