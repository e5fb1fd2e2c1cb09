import { HearthError } from '@hearth/engine';

/**
 * Thrown when a system program used to make media (`espeak-ng`, `sox`) is installed but exits with a
 * non-zero status. The message carries the command line and the end of its stderr. Code
 * `SYSTEM_TOOL_FAILED`.
 */
export class SystemToolFailedError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['SYSTEM_TOOL_FAILED'] as const;

  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    /** The program's exit status, or null when a signal ended it. */
    readonly toolExitCode: number | null,
    readonly stderr: string,
  ) {
    const status = toolExitCode === null ? 'was killed by a signal' : `exited with status ${toolExitCode}`;
    const detail = stderr.trim() === '' ? '(no stderr output)' : stderr.trim().slice(-2000);
    super('SYSTEM_TOOL_FAILED', `${tool} ${status}: ${tool} ${args.join(' ')}\n${detail}`);
  }
}
