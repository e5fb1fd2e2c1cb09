import { HearthError } from '@hearth/engine';

/**
 * Thrown when the SQLite checkpoint store cannot be opened: the file's directory is not writable,
 * or no SQLite driver loads in this Node.js (better-sqlite3 built for another Node version, and no
 * built-in `node:sqlite`). The message names the file and the fix. Code `CHECKPOINT_STORE`.
 */
export class CheckpointStoreError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['CHECKPOINT_STORE'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('CHECKPOINT_STORE', message, options);
  }
}
