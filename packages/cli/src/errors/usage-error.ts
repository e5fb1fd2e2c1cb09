import { HearthError } from '@hearth/engine';

/**
 * Thrown by the `hearth` commands for flags that do not fit together or do not parse (`--approve`
 * without `--resume`, a port out of range, `--input` that is not a JSON object, no target named).
 * The message says which flag and what to pass instead. Code `USAGE`.
 */
export class UsageError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['USAGE'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}
