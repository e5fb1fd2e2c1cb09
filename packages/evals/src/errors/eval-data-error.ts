import { HearthError } from '@hearth/engine';

/**
 * An eval data file, answers file or results file that cannot be read as its format says (not JSON
 * Lines, a case without an id, a folder with no cases): the message names the file and line and says
 * what was expected. Code `EVAL_DATA`.
 */
export class EvalDataError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['EVAL_DATA'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('EVAL_DATA', message, options);
  }
}
