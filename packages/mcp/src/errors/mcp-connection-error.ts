import { HearthError } from '@hearth/engine';

/** Thrown by the MCP client when a server cannot be reached, dies and cannot be restarted, or closes mid-call. Code `MCP_CONNECTION`. */
export class McpConnectionError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MCP_CONNECTION'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('MCP_CONNECTION', message, options);
  }
}
