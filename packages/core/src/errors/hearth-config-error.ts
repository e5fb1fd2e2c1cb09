const marker = Symbol.for('hearth.HearthConfigError');

/** Thrown by `loadHearthConfig` when `hearth.config.json` is missing, not JSON, or has a bad field (the message names the field path). */
export class HearthConfigError extends Error {
  override readonly name = 'HearthConfigError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is HearthConfigError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
