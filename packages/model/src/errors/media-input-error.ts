const MEDIA_INPUT_ERROR = Symbol.for('@hearth/model/MediaInputError');

/**
 * Thrown by the `llama-node` engine before anything reaches the native code when an image or audio
 * part cannot be used: the file is missing or unreadable, the data URL is malformed, or the bytes
 * are not an image (PNG, JPEG, GIF, BMP, WebP) or audio clip (WAV, MP3). The message names the
 * input and says what is accepted.
 */
export class MediaInputError extends Error {
  override readonly name = 'MediaInputError';
  readonly exitCode = 2;
  readonly [MEDIA_INPUT_ERROR] = true;

  constructor(problem: string, options: { hint: string; cause?: unknown }) {
    super(`${problem}; ${options.hint}`, { cause: options.cause });
  }

  /** True for a MediaInputError, even one from another copy of this package. */
  static isInstance(value: unknown): value is MediaInputError {
    return typeof value === 'object' && value !== null && MEDIA_INPUT_ERROR in value;
  }
}
