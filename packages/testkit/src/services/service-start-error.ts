import { HearthError } from '@hearth/engine';

/**
 * Thrown by {@link startServices} or {@link stopServices} when the throwaway Redis or Postgres cannot be
 * started or stopped: the program is missing (`redis-server`, Postgres's `initdb`/`pg_ctl`), it exited
 * with an error (the message carries the end of its log), or it did not answer in time. Code
 * `SERVICE_START_FAILED` for start, `SERVICE_STOP_FAILED` for stop, `SERVICE_STATE_MISSING` when
 * `stopServices` finds no state file in the directory.
 */
export class ServiceStartError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['SERVICE_START_FAILED', 'SERVICE_STOP_FAILED', 'SERVICE_STATE_MISSING'] as const;

  constructor(
    code: (typeof ServiceStartError.codes)[number],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
