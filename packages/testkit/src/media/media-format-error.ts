import { HearthError } from '@hearth/engine';

/**
 * Thrown by {@link decodePng} and {@link decodeWav} when the bytes are not a well-formed file of that
 * format, or use a feature the decoder does not read (for example a 16-bit PNG or a float WAV).
 * The message says what was wrong and where; `format` says which decoder refused it. Code
 * `MEDIA_FORMAT`.
 */
export class MediaFormatError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MEDIA_FORMAT'] as const;

  constructor(
    readonly format: 'png' | 'wav',
    message: string,
  ) {
    super('MEDIA_FORMAT', message);
  }
}
