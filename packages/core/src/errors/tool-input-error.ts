import { HearthError } from '@hearth/engine';

/** Thrown when a tool call's arguments do not match the tool's input schema (the message names each bad field). Code `TOOL_INPUT`. */
export class ToolInputError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['TOOL_INPUT'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('TOOL_INPUT', message, options);
  }
}
