import { HearthError } from '@hearth/engine';

/**
 * Thrown by `hearth runs cancel` for a run that has already ended (done, failed or cancelled), or
 * whose process did not stop it in time. The message says which and why. Code `RUN_NOT_CANCELLABLE`.
 */
export class RunNotCancellableError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['RUN_NOT_CANCELLABLE'] as const;

  constructor(runId: string, reason: string) {
    super('RUN_NOT_CANCELLABLE', `cannot cancel run ${runId}: ${reason}`);
  }
}
