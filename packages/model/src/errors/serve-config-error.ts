import { HearthError } from '@hearth/engine';

/**
 * Thrown by `startOpenAIServer` (and so `hearth serve`) before listening when the options are
 * unsafe or invalid: a non-loopback host without a bearer token, a bad port. Code `SERVE_CONFIG`.
 */
export class ServeConfigError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['SERVE_CONFIG'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('SERVE_CONFIG', message, options);
  }
}
