const marker = Symbol.for('hearth.McpConnectionError');

/** Thrown by the MCP client when a server cannot be reached, dies and cannot be restarted, or closes mid-call. */
export class McpConnectionError extends Error {
  override readonly name = 'McpConnectionError';
  readonly [marker] = true;
  /** CLI exit code when this error reaches the `hearth` command. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }

  static isInstance(value: unknown): value is McpConnectionError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
