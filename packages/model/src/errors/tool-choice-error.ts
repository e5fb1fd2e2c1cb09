import { HearthError } from '@hearth/engine';

/**
 * Thrown when a request's `toolChoice` names a tool that is not among its `tools`. Code
 * `TOOL_CHOICE_UNKNOWN`.
 */
export class ToolChoiceError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['TOOL_CHOICE_UNKNOWN'] as const;
  /** The tool the request named. */
  readonly toolName: string;

  constructor(toolName: string, available: readonly string[]) {
    super(
      'TOOL_CHOICE_UNKNOWN',
      `toolChoice names "${toolName}", which is not among the request's tools ` +
        `(${available.length ? available.join(', ') : 'none'}); name one of them or use 'required'`,
    );
    this.toolName = toolName;
  }
}
