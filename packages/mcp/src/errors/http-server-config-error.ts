const marker = Symbol.for('hearth.HttpServerConfigError');

/** Thrown by `serveHttp` when the options are unsafe (non-loopback host without a token) or invalid. */
export class HttpServerConfigError extends Error {
  override readonly name = 'HttpServerConfigError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is HttpServerConfigError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
