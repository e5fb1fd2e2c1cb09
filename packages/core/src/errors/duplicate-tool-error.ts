import { HearthError } from '@hearth/engine';

/** Thrown by `ToolRegistry.register` when a tool with the same name is already registered. Code `TOOL_DUPLICATE`. */
export class DuplicateToolError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['TOOL_DUPLICATE'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('TOOL_DUPLICATE', message, options);
  }
}
