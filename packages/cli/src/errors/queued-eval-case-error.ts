import { HearthError } from '@hearth/engine';

/**
 * Thrown by `hearth eval run --queue` when a case's queued run failed or was cancelled on the workers
 * (a model that would not open there, suite data they lack): the message names the case, the run
 * and the worker's error. The cases already answered stay in results.jsonl. Code `EVAL_QUEUED_CASE_FAILED`.
 */
export class QueuedEvalCaseError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['EVAL_QUEUED_CASE_FAILED'] as const;

  constructor(message: string) {
    super('EVAL_QUEUED_CASE_FAILED', message);
  }
}
