const MEDIA_FORMAT_ERROR = Symbol.for('@hearth/testkit/MediaFormatError');

/**
 * Thrown by {@link decodePng} and {@link decodeWav} when the bytes are not a well-formed file of that
 * format, or use a feature the decoder does not read (for example a 16-bit PNG or a float WAV).
 * The message says what was wrong and where; `format` says which decoder refused it.
 */
export class MediaFormatError extends Error {
  override readonly name = 'MediaFormatError';
  readonly [MEDIA_FORMAT_ERROR] = true;

  constructor(
    readonly format: 'png' | 'wav',
    message: string,
  ) {
    super(message);
  }

  /** True for any MediaFormatError, even one from another copy of this package. */
  static isInstance(value: unknown): value is MediaFormatError {
    return typeof value === 'object' && value !== null && MEDIA_FORMAT_ERROR in value;
  }
}
