const marker = Symbol.for('hearth.ExpressionError');

/** Thrown by the calculator when an expression does not parse or cannot be evaluated; `position` is the 0-based character offset. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  readonly [marker] = true;
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} (at character ${position + 1})`);
    this.position = position;
  }

  static isInstance(value: unknown): value is ExpressionError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
