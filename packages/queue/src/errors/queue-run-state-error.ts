import { HearthError } from '@hearth/engine';

/**
 * Thrown when a run is not in a state that allows the operation: enqueueing a run id that is taken,
 * resuming a run that is queued, running or done, giving a decision to a run that is not paused (or
 * none to one that is). The message says the run's status and what would work. Code `QUEUE_RUN_STATE`.
 */
export class QueueRunStateError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['QUEUE_RUN_STATE'] as const;

  constructor(message: string) {
    super('QUEUE_RUN_STATE', message);
  }
}
