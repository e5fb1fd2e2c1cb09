import { HearthError } from '@hearth/engine';

/**
 * Thrown when a run target (agent, workflow, planner) is given bad input: an input that fails its
 * schema, an unreadable or unknown media file, an unknown thread id on resume, or an approval
 * decision for a run that is not waiting for one. The message says what was wrong and what to pass
 * instead. Code `RUN_INPUT`.
 */
export class RunInputError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['RUN_INPUT'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('RUN_INPUT', message, options);
  }
}
