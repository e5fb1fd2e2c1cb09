const marker = Symbol.for('hearth.ToolTimeoutError');

/** Thrown when a tool call runs past its `timeoutMs` (local tools) or a remote MCP call gets no answer in time. */
export class ToolTimeoutError extends Error {
  override readonly name = 'ToolTimeoutError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is ToolTimeoutError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
