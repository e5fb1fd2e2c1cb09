import { HearthError } from '@hearth/engine';

/** Thrown by the `fs` tools for a path that is a FIFO, socket or device (or a directory where a file is needed, or the reverse): they read and write only regular files and list only directories, so that nothing can block them. Code `NOT_A_REGULAR_FILE`. */
export class NotRegularFileError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['NOT_A_REGULAR_FILE'] as const;

  constructor(message: string) {
    super('NOT_A_REGULAR_FILE', message);
  }
}
