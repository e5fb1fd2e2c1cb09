import { HearthError } from '@hearth/engine';

/**
 * Thrown by `defineTool` when a definition is malformed (bad name, missing schema or run): code
 * `TOOL_INVALID`; and by `loadToolsFromDirectory` when a tools directory cannot be read or a module
 * in it exports no tools (or is TypeScript without tsx installed): code `TOOL_MODULE_INVALID`.
 */
export class InvalidToolError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['TOOL_INVALID', 'TOOL_MODULE_INVALID'] as const;
  declare readonly code: (typeof InvalidToolError.codes)[number];

  constructor(code: (typeof InvalidToolError.codes)[number], message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
