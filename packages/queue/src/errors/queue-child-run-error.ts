import type { RunFailure } from '@hearth/core';
import { HearthError } from '@hearth/engine';

/**
 * A fan-out branch that ran as a child run (`RunWorkerOptions.fanOutChildren`) failed or was
 * cancelled: the branch, and so the parent run, fails with it. `child` is the child run's own error.
 * Code `QUEUE_CHILD_RUN_FAILED`.
 */
export class QueueChildRunError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['QUEUE_CHILD_RUN_FAILED'] as const;

  constructor(
    readonly childRunId: string,
    readonly child: RunFailure,
  ) {
    super(
      'QUEUE_CHILD_RUN_FAILED',
      `child run "${childRunId}" failed: ${child.name}${child.code ? ` (${child.code})` : ''}: ${child.message}; see it with hearth runs show ${childRunId}`,
    );
  }
}
