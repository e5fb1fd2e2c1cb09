import { HearthError } from '../hearth-error.js';

/**
 * Thrown before anything reaches native code when an image or audio part cannot be used: the file
 * is missing or unreadable, the data URL is malformed, or the bytes fail `inspectMedia` (not a
 * format Hearth's engines decode, truncated, corrupt, or over a limit such as image size, sample
 * rate or duration). The message names the input, what is wrong and what is accepted. Code
 * `MEDIA_INPUT`; `hearth serve` answers it with HTTP 400.
 */
export class MediaInputError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MEDIA_INPUT'] as const;

  constructor(problem: string, options: { hint: string; cause?: unknown }) {
    super('MEDIA_INPUT', `${problem}; ${options.hint}`, { cause: options.cause });
  }
}
