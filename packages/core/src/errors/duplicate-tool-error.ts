const marker = Symbol.for('hearth.DuplicateToolError');

/** Thrown by `ToolRegistry.register` when a tool with the same name is already registered. */
export class DuplicateToolError extends Error {
  override readonly name = 'DuplicateToolError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is DuplicateToolError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
