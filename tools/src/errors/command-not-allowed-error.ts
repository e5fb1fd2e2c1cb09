const marker = Symbol.for('hearth.CommandNotAllowedError');

/** Thrown by the `shell` tool when the command is not on its allow-list (or is a path rather than a bare name). */
export class CommandNotAllowedError extends Error {
  override readonly name = 'CommandNotAllowedError';
  readonly [marker] = true;

  static isInstance(value: unknown): value is CommandNotAllowedError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
