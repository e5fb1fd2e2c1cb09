import { HearthError } from '@hearth/engine';

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
 * Code `MODEL_DOWNLOAD`; `failure` says which check failed.
 */
export class ModelDownloadError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MODEL_DOWNLOAD'] as const;
  readonly uri: string;
  readonly failure: ModelDownloadFailure;
  /** HTTP status for `http-status`. */
  readonly status: number | undefined;

  constructor(
    uri: string,
    failure: ModelDownloadFailure,
    message: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super('MODEL_DOWNLOAD', `Download of ${uri} failed: ${message}`, { cause: options?.cause });
    this.uri = uri;
    this.failure = failure;
    this.status = options?.status;
  }
}
