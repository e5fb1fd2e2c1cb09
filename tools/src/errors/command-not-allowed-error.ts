import { HearthError } from '@hearth/engine';

/** Thrown by the `shell` tool when the command is not on its allow-list (or is a path rather than a bare name). Code `COMMAND_NOT_ALLOWED`. */
export class CommandNotAllowedError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['COMMAND_NOT_ALLOWED'] as const;

  constructor(message: string) {
    super('COMMAND_NOT_ALLOWED', message);
  }
}
