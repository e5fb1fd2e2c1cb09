import { HearthError } from '@hearth/engine';

/** Thrown by `ToolRegistry.get`/`call` when no tool has the requested name. Code `TOOL_NOT_FOUND`. */
export class ToolNotFoundError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['TOOL_NOT_FOUND'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('TOOL_NOT_FOUND', message, options);
  }
}
