import { HearthError } from '@hearth/engine';

/**
 * Thrown by `hearth runs show|cancel` for a run id that no local record and no configured queue
 * knows. The message says where it looked. Code `RUN_NOT_FOUND`.
 */
export class RunNotFoundError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['RUN_NOT_FOUND'] as const;

  constructor(runId: string, lookedIn: string) {
    super(
      'RUN_NOT_FOUND',
      `no run with id "${runId}" in ${lookedIn}; \`hearth runs list\` shows the runs there are`,
    );
  }
}
