const SERVE_CONFIG_ERROR = Symbol.for('@hearth/model/ServeConfigError');

/**
 * Thrown by `startOpenAIServer` (and so `hearth serve`) before listening when the options are
 * unsafe or invalid: a non-loopback host without a bearer token, a bad port. `exitCode` 2 marks
 * it as a usage error in the CLI.
 */
export class ServeConfigError extends Error {
  override readonly name = 'ServeConfigError';
  readonly exitCode = 2;
  readonly [SERVE_CONFIG_ERROR] = true;

  /** True for a ServeConfigError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ServeConfigError {
    return typeof value === 'object' && value !== null && SERVE_CONFIG_ERROR in value;
  }
}
