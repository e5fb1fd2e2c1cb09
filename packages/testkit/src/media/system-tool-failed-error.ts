const SYSTEM_TOOL_FAILED_ERROR = Symbol.for('@hearth/testkit/SystemToolFailedError');

/**
 * Thrown when a system program used to make media (`espeak-ng`, `sox`) is installed but exits with a
 * non-zero status. The message carries the command line and the end of its stderr.
 */
export class SystemToolFailedError extends Error {
  override readonly name = 'SystemToolFailedError';
  readonly [SYSTEM_TOOL_FAILED_ERROR] = true;

  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    const status = exitCode === null ? 'was killed by a signal' : `exited with status ${exitCode}`;
    const detail = stderr.trim() === '' ? '(no stderr output)' : stderr.trim().slice(-2000);
    super(`${tool} ${status}: ${tool} ${args.join(' ')}\n${detail}`);
  }

  /** True for any SystemToolFailedError, even one from another copy of this package. */
  static isInstance(value: unknown): value is SystemToolFailedError {
    return typeof value === 'object' && value !== null && SYSTEM_TOOL_FAILED_ERROR in value;
  }
}
