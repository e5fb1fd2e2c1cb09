import { HearthError } from '@hearth/engine';

/**
 * Thrown by an in-process engine's `generate`/`stream` when the native library refuses or fails a
 * completion the request itself caused (for example a prompt longer than the context, or a chat
 * template that cannot render the messages). The engine stays usable; the message carries the
 * library's reason. Code `GENERATION_FAILED`.
 */
export class GenerationFailedError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['GENERATION_FAILED'] as const;
  readonly engine: string;

  constructor(engine: string, reason: string, options?: { cause?: unknown }) {
    super('GENERATION_FAILED', `The ${engine} engine failed to generate: ${reason}`, options);
    this.engine = engine;
  }
}
