import { HearthError } from '@hearth/engine';

/** Thrown by the `fs` tools when a path would leave the root: `..`, absolute paths, encoded traversal, NUL bytes, or a symlink pointing outside. Code `PATH_OUTSIDE_ROOT`. */
export class PathOutsideRootError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['PATH_OUTSIDE_ROOT'] as const;

  constructor(message: string) {
    super('PATH_OUTSIDE_ROOT', message);
  }
}
