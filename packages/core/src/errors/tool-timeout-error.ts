import { HearthError } from '@hearth/engine';

/** Thrown when a tool call runs past its `timeoutMs` (local tools) or a remote MCP call gets no answer in time. Code `TOOL_TIMEOUT`. */
export class ToolTimeoutError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['TOOL_TIMEOUT'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('TOOL_TIMEOUT', message, options);
  }
}
