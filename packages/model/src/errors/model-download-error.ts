const MODEL_DOWNLOAD_ERROR = Symbol.for('@hearth/model/ModelDownloadError');

/** Why a download failed. */
export type ModelDownloadFailure =
  /** The server answered with an error status (404: wrong URI or quantisation; 401/403: access). */
  | 'http-status'
  /** No bytes arrived for too long (a dead connection, or a server announcing a wrong size). */
  | 'stalled'
  /** The finished file's size differs from what the server or the catalog announced. */
  | 'size-mismatch'
  /** The finished file's SHA-256 differs from the catalog's. */
  | 'checksum-mismatch'
  /** The finished file is not a complete, readable GGUF. */
  | 'invalid-gguf';

/**
 * Thrown by `downloadModelFile` (and so by `resolveModelSet` and `hearth models pull`) when a
 * download started but did not produce a good file. A partial download is kept so the next
 * attempt resumes; a finished file that fails a size, checksum or GGUF check is deleted.
 * `exitCode` 3 makes the CLI report a model failure.
 */
export class ModelDownloadError extends Error {
  override readonly name = 'ModelDownloadError';
  readonly uri: string;
  readonly failure: ModelDownloadFailure;
  /** HTTP status for `http-status`. */
  readonly status: number | undefined;
  readonly exitCode = 3;
  readonly [MODEL_DOWNLOAD_ERROR] = true;

  constructor(
    uri: string,
    failure: ModelDownloadFailure,
    message: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super(`Download of ${uri} failed: ${message}`, { cause: options?.cause });
    this.uri = uri;
    this.failure = failure;
    this.status = options?.status;
  }

  /** True for a ModelDownloadError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ModelDownloadError {
    return typeof value === 'object' && value !== null && MODEL_DOWNLOAD_ERROR in value;
  }
}
