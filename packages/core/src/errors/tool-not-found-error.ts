const marker = Symbol.for('hearth.ToolNotFoundError');

/** Thrown by `ToolRegistry.get`/`call` when no tool has the requested name. */
export class ToolNotFoundError extends Error {
  override readonly name = 'ToolNotFoundError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is ToolNotFoundError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
