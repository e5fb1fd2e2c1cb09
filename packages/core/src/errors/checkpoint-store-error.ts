const marker = Symbol.for('hearth.planner.CheckpointStoreError');

/**
 * Thrown when the SQLite checkpoint store cannot be opened: the file's directory is not writable,
 * or no SQLite driver loads in this Node.js (better-sqlite3 built for another Node version, and no
 * built-in `node:sqlite`). The message names the file and the fix.
 */
export class CheckpointStoreError extends Error {
  override readonly name = 'CheckpointStoreError';
  readonly [marker] = true;

  static isInstance(value: unknown): value is CheckpointStoreError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
