import { HearthError } from '@hearth/engine';

/**
 * Thrown by the `llama-node` engine before anything reaches the native code when an image or audio
 * part cannot be used: the file is missing or unreadable, the data URL is malformed, or the bytes
 * are not an image (PNG, JPEG, GIF, BMP, WebP) or audio clip (WAV, MP3). The message names the
 * input and says what is accepted. Code `MEDIA_INPUT`.
 */
export class MediaInputError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MEDIA_INPUT'] as const;

  constructor(problem: string, options: { hint: string; cause?: unknown }) {
    super('MEDIA_INPUT', `${problem}; ${options.hint}`, { cause: options.cause });
  }
}
