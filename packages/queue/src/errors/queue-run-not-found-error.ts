import { HearthError } from '@hearth/engine';

/** Thrown when a queue operation names a run id that the queue's Postgres has no record of. Code `QUEUE_RUN_NOT_FOUND`. */
export class QueueRunNotFoundError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['QUEUE_RUN_NOT_FOUND'] as const;

  constructor(readonly runId: string) {
    super(
      'QUEUE_RUN_NOT_FOUND',
      `no queued run with id "${runId}"; list the queue's runs with hearth runs list (check the Postgres URL points at the same queue)`,
    );
  }
}
