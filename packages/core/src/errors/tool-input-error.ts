const marker = Symbol.for('hearth.ToolInputError');

/** Thrown when a tool call's arguments do not match the tool's input schema (the message names each bad field). */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is ToolInputError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
