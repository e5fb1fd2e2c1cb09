import { HearthError } from '@hearth/engine';

/**
 * Thrown when a model file is not in the cache and cannot be downloaded: the server is unreachable
 * (connection refused, DNS failure, timeout) or offline mode was asked for. The message says where
 * to copy the file so Hearth finds it, and how to use a local file instead. Code `MODEL_OFFLINE`.
 */
export class ModelOfflineError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MODEL_OFFLINE'] as const;
  /** The `hf:` URI or URL that could not be fetched. */
  readonly uri: string;
  /** Where the file would be found if copied there by hand. */
  readonly cachePath: string;

  constructor(uri: string, cachePath: string, reason: string, options?: { cause?: unknown }) {
    super(
      'MODEL_OFFLINE',
      `${reason}. ${uri} is not in the model cache. Copy the file to ${cachePath}, ` +
        'or pass a local file with --model <path>, then run again.',
      options,
    );
    this.uri = uri;
    this.cachePath = cachePath;
  }
}
