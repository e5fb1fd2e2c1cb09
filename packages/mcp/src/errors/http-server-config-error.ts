import { HearthError } from '@hearth/engine';

/**
 * Thrown by `serveHttp` before listening when the options are unsafe (a non-loopback host without a
 * token) or invalid (a token shorter than 16 characters). Code `MCP_HTTP_CONFIG`.
 */
export class HttpServerConfigError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MCP_HTTP_CONFIG'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('MCP_HTTP_CONFIG', message, options);
  }
}
