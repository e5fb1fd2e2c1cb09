import { HearthError } from '@hearth/engine';

/** Thrown by the calculator when an expression does not parse or cannot be evaluated; `position` is the 0-based character offset. Code `EXPRESSION_INVALID`. */
export class ExpressionError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['EXPRESSION_INVALID'] as const;
  readonly position: number;

  constructor(message: string, position: number) {
    super('EXPRESSION_INVALID', `${message} (at character ${position + 1})`);
    this.position = position;
  }
}
