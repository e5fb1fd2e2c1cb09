const GENERATION_FAILED_ERROR = Symbol.for('@hearth/model/GenerationFailedError');

/**
 * Thrown by an in-process engine's `generate`/`stream` when the native library refuses or fails a
 * completion the request itself caused (for example a prompt longer than the context, or a chat
 * template that cannot render the messages). The engine stays usable; the message carries the
 * library's reason.
 */
export class GenerationFailedError extends Error {
  override readonly name = 'GenerationFailedError';
  readonly engine: string;
  readonly [GENERATION_FAILED_ERROR] = true;

  constructor(engine: string, reason: string, options?: { cause?: unknown }) {
    super(`The ${engine} engine failed to generate: ${reason}`, options);
    this.engine = engine;
  }

  /** True for a GenerationFailedError, even one from another copy of this package. */
  static isInstance(value: unknown): value is GenerationFailedError {
    return typeof value === 'object' && value !== null && GENERATION_FAILED_ERROR in value;
  }
}
