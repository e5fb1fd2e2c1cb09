const marker = Symbol.for('hearth.PathOutsideRootError');

/** Thrown by the `fs` tools when a path would leave the root: `..`, absolute paths, encoded traversal, NUL bytes, or a symlink pointing outside. */
export class PathOutsideRootError extends Error {
  override readonly name = 'PathOutsideRootError';
  readonly [marker] = true;

  static isInstance(value: unknown): value is PathOutsideRootError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
