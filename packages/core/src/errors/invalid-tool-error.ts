const marker = Symbol.for('hearth.InvalidToolError');

/** Thrown by `defineTool` and tool loading when a definition is malformed (bad name, missing schema or run, a module exporting no tools). */
export class InvalidToolError extends Error {
  override readonly name = 'InvalidToolError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is InvalidToolError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
